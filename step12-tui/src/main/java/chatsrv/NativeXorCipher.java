package chatsrv;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * The cipher native-xor: XorCipher's XOR, done in C (src/main/c/xorcipher.c) and called
 * through JNI, as the original design did it with a shared library. Just as broken as xor (see
 * XorCipher); it is here to show what loading native code and calling it costs (CipherBench).
 *
 * <p>The library is loaded with System.load, which takes an absolute path: the JVM dlopen()s
 * it, which the kernel sees as an openat and an mmap of the file. It is found at the path in
 * the system property chatsrv.native if there is one, else at native/libxorcipher.so beside
 * the jar or the classes directory this class came from (target/step12-tui.jar and
 * target/classes both give target/native/libxorcipher.so, where the step's build puts it).
 *
 * <p>Loading waits for the first encrypt or decrypt, not for the constructor: ServiceLoader
 * makes one of every cipher to learn their names, and a server started with another cipher
 * must work on a machine where the library was never built.
 *
 * <p>Threads: none of its own; any thread may call it. The first call loads the library, once,
 * under a lock; the calls after it only read a volatile flag.
 */
public final class NativeXorCipher implements UserFileCipher {
    static final String PROPERTY = "chatsrv.native";
    private static volatile boolean loaded;

    /** Public, with no arguments: what ServiceLoader needs to make one. */
    public NativeXorCipher() {
    }

    @Override
    public String name() {
        return "native-xor";
    }

    @Override
    public byte[] encrypt(byte[] plain, byte[] key) throws GeneralSecurityException {
        byte[] out = plain.clone();
        xorInPlace(out, XorCipher.checked(key));
        return out;
    }

    @Override
    public byte[] decrypt(byte[] encrypted, byte[] key) throws GeneralSecurityException {
        return encrypt(encrypted, key);
    }

    /**
     * data[i] ^= key[i % 32], in C. Loads the library first if no call has yet.
     *
     * @throws IllegalStateException with a one-line message if the library cannot be loaded
     */
    static void xorInPlace(byte[] data, byte[] key) {
        if (!loaded) {
            load();
        }
        xorNative(data, key);
    }

    /** Java_chatsrv_NativeXorCipher_xorNative in xorcipher.c. key is 32 bytes long. */
    private static native void xorNative(byte[] data, byte[] key);

    private static synchronized void load() {
        if (loaded) {
            return;
        }
        Path library = library();
        if (!Files.isRegularFile(library)) {
            throw new IllegalStateException("no native library at " + library
                    + ": build the step with gcc installed (mvn -pl step12-tui package),"
                    + " or give its path with -D" + PROPERTY + "=PATH");
        }
        try {
            System.load(library.toString());
        } catch (UnsatisfiedLinkError e) {
            // For instance a library built for another CPU, or not a library at all.
            throw new IllegalStateException("cannot load " + library + " ("
                    + e.getMessage().replace('\n', ' ') + "): rebuild it with mvn -pl step12-tui package");
        }
        loaded = true;
    }

    /** Absolute, as System.load wants it. */
    static Path library() {
        String named = System.getProperty(PROPERTY);
        if (named != null) {
            return Path.of(named).toAbsolutePath();
        }
        try {
            // target/step12-tui.jar or target/classes: the library is in target/native.
            Path jarOrClasses = Path.of(NativeXorCipher.class.getProtectionDomain().getCodeSource()
                    .getLocation().toURI());
            return jarOrClasses.toAbsolutePath().resolveSibling("native").resolve("libxorcipher.so");
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot tell where this class was loaded from: " + e.getMessage());
        }
    }
}
