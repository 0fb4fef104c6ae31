package chatsrv;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Finds the user file's cipher by the name --cipher gives, among the ciphers the server's jar
 * provides (META-INF/services/chatsrv.UserFileCipher) and those of a plugin jar, if one is
 * named. Nothing here knows the ciphers by class: a new one needs no change to this file.
 *
 * <p>A plugin jar is opened with a URLClassLoader of its own: Java's counterpart of dlopen(3),
 * which loads a shared library that the program was not linked with. Its parent is the
 * server's class loader, so the plugin's classes see UserFileCipher as the server's own type.
 *
 * <p>Threads: the main thread, once, at start.
 */
final class Ciphers {
    static final String DEFAULT = "aes-gcm";

    /** Why no cipher can be had, in one line for the operator. */
    static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message);
        }
    }

    private Ciphers() {
    }

    /**
     * The cipher named name, tried once (see probe).
     *
     * @param pluginJarOrNull a jar with more ciphers, or null for the server's own only
     */
    static UserFileCipher find(String name, Path pluginJarOrNull) throws Unavailable {
        ClassLoader loader = Ciphers.class.getClassLoader();
        if (pluginJarOrNull != null) {
            loader = plugin(pluginJarOrNull, loader);
        }
        // Sorted, so that the list of names in a message is always in the same order.
        TreeMap<String, UserFileCipher> byName = new TreeMap<>();
        try {
            // Makes one of each cipher; their constructors do nothing (native-xor loads its
            // library only when first used), so this is cheap and touches no file.
            for (UserFileCipher cipher : ServiceLoader.load(UserFileCipher.class, loader)) {
                UserFileCipher other = byName.putIfAbsent(cipher.name(), cipher);
                if (other != null) {
                    throw new Unavailable("two ciphers are named " + cipher.name() + ": "
                            + other.getClass().getName() + " and " + cipher.getClass().getName());
                }
            }
        } catch (ServiceConfigurationError e) {
            // A services file names a class that is missing, not a UserFileCipher, or not public.
            throw new Unavailable("a cipher cannot be loaded: " + oneLine(e.getMessage()));
        }
        UserFileCipher cipher = byName.get(name);
        if (cipher == null) {
            throw new Unavailable("no cipher named " + name + "; available: " + String.join(", ", byName.keySet()));
        }
        probe(cipher);
        return cipher;
    }

    private static ClassLoader plugin(Path jar, ClassLoader parent) throws Unavailable {
        if (!Files.isRegularFile(jar)) {
            throw new Unavailable("no cipher plugin at " + jar + ": name a jar file that exists");
        }
        URLClassLoader loader;
        try {
            // Never closed: the cipher's classes may load more classes from the jar for as long
            // as the server uses it.
            loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, parent);
        } catch (IOException e) {
            throw new Unavailable("cannot open cipher plugin " + jar + ": " + oneLine(e.getMessage()));
        }
        // findResource looks in the jar only; getResource would also find the server's own file.
        if (loader.findResource("META-INF/services/" + UserFileCipher.class.getName()) == null) {
            throw new Unavailable("cipher plugin " + jar + " provides no cipher: it has no META-INF/services/"
                    + UserFileCipher.class.getName());
        }
        return loader;
    }

    /**
     * Encrypts a few random bytes and decrypts them again. So a cipher that cannot work (the
     * native library missing, a plugin whose decrypt is not its encrypt's inverse) stops the
     * server at start, in one line, instead of failing at the first save, with accounts in
     * memory that can then never be written.
     */
    private static void probe(UserFileCipher cipher) throws Unavailable {
        SecureRandom random = new SecureRandom();
        byte[] plain = new byte[100];
        byte[] key = new byte[32];
        random.nextBytes(plain);
        random.nextBytes(key);
        try {
            if (!Arrays.equals(cipher.decrypt(cipher.encrypt(plain, key), key), plain)) {
                throw new Unavailable("cipher " + cipher.name() + " does not decrypt what it encrypted");
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new Unavailable("cipher " + cipher.name() + " does not work: " + oneLine(e.getMessage()));
        }
    }

    static String oneLine(String message) {
        return message == null ? "(no message)" : message.replace('\n', ' ');
    }
}
