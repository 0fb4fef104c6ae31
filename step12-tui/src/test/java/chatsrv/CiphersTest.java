package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.crypto.AEADBadTagException;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The three ciphers, the native library behind one of them, and finding ciphers by name, in plugins too. */
class CiphersTest {
    private static final Random RANDOM = new Random(42);

    @TempDir
    Path dir;

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    @ParameterizedTest
    @ValueSource(strings = {"aes-gcm", "xor", "native-xor"})
    void eachCipherGivesBackWhatItEncrypted(String name) throws Exception {
        UserFileCipher cipher = Ciphers.find(name, null);
        byte[] key = random(32);
        for (int length : new int[] {0, 1, 100 * 1024}) {
            byte[] plain = random(length);
            byte[] encrypted = cipher.encrypt(plain, key);
            assertThat(cipher.decrypt(encrypted, key)).as("%s, %d bytes", name, length).isEqualTo(plain);
            if (length > 0) {
                // A cipher that changed nothing would pass the round trip too.
                assertThat(encrypted).as("%s, %d bytes", name, length).isNotEqualTo(plain);
            }
        }
    }

    @Test
    void aesGcmIsIvThenCiphertextThenTagAndNeverTheSameTwice() throws Exception {
        AesGcmCipher aes = new AesGcmCipher();
        byte[] key = random(32);
        byte[] plain = random(100);
        byte[] once = aes.encrypt(plain, key);
        byte[] twice = aes.encrypt(plain, key);
        assertThat(once).hasSize(12 + 100 + 16);
        assertThat(twice).isNotEqualTo(once);
        assertThat(Arrays.copyOf(twice, 12)).as("IV").isNotEqualTo(Arrays.copyOf(once, 12));
    }

    @Test
    void aesGcmRefusesAnyFlippedBitInIvBodyOrTag() throws Exception {
        AesGcmCipher aes = new AesGcmCipher();
        byte[] key = random(32);
        byte[] encrypted = aes.encrypt(random(100), key);
        for (int bit = 0; bit < encrypted.length * 8; bit++) {
            byte[] changed = encrypted.clone();
            changed[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThatThrownBy(() -> aes.decrypt(changed, key)).as("bit %d", bit).isInstanceOf(AEADBadTagException.class);
        }
    }

    @Test
    void aesGcmRefusesAWrongKeyAndAShortInput() throws Exception {
        AesGcmCipher aes = new AesGcmCipher();
        byte[] key = random(32);
        byte[] encrypted = aes.encrypt(random(100), key);
        byte[] wrong = key.clone();
        wrong[31] ^= 1;
        assertThatThrownBy(() -> aes.decrypt(encrypted, wrong)).isInstanceOf(AEADBadTagException.class);
        assertThatThrownBy(() -> aes.decrypt(Arrays.copyOf(encrypted, 27), key))
                .isInstanceOf(AEADBadTagException.class);
    }

    @Test
    void xorIsTheKeyRepeated() {
        byte[] key = random(32);
        byte[] zeros = new byte[70];
        byte[] out = XorCipher.xor(zeros, key);
        // XOR with zeros shows the key itself: at 0, again at 32, and two bytes of it at 64.
        assertThat(Arrays.copyOfRange(out, 0, 32)).isEqualTo(key);
        assertThat(Arrays.copyOfRange(out, 32, 64)).isEqualTo(key);
        assertThat(Arrays.copyOfRange(out, 64, 70)).isEqualTo(Arrays.copyOf(key, 6));
    }

    @Test
    void theNativeLibraryIsBuiltBesideTheClassesAndMatchesXorByteForByte() throws Exception {
        Path built = Path.of("target", "native", "libxorcipher.so").toAbsolutePath();
        assertThat(built).isRegularFile();
        assertThat(NativeXorCipher.library()).isEqualTo(built);
        NativeXorCipher cipher = new NativeXorCipher();
        List<Integer> lengths = new ArrayList<>();
        for (int n = 0; n <= 100; n++) {
            lengths.add(n);
        }
        lengths.addAll(List.of(4095, 4096, 4097, 65537, 1024 * 1024 + 3));
        for (int length : lengths) {
            byte[] data = random(length);
            byte[] key = random(32);
            assertThat(cipher.encrypt(data, key)).as("%d bytes", length).isEqualTo(XorCipher.xor(data, key));
        }
    }

    @Test
    void findKnowsTheThreeByName() throws Exception {
        assertThat(Ciphers.find("aes-gcm", null)).isInstanceOf(AesGcmCipher.class);
        assertThat(Ciphers.find("xor", null)).isInstanceOf(XorCipher.class);
        assertThat(Ciphers.find("native-xor", null)).isInstanceOf(NativeXorCipher.class);
        assertThat(Ciphers.find(Ciphers.DEFAULT, null).name()).isEqualTo("aes-gcm");
    }

    @Test
    void anUnknownNameIsRefusedWithTheNamesThatAreKnown() {
        assertThatThrownBy(() -> Ciphers.find("rot13", null))
                .isInstanceOf(Ciphers.Unavailable.class)
                .hasMessage("no cipher named rot13; available: aes-gcm, native-xor, xor");
    }

    @Test
    void aPluginJarAddsItsCiphersAndWithoutItTheyAreUnknown() throws Exception {
        Path jar = plugin("rot", "RotCipher", "rot13",
                "for (int i = 0; i < out.length; i++) out[i] += 13;",
                "for (int i = 0; i < out.length; i++) out[i] -= 13;");
        UserFileCipher rot = Ciphers.find("rot13", jar);
        assertThat(rot.getClass().getName()).isEqualTo("rot.RotCipher");
        assertThat(rot.getClass().getClassLoader()).isNotSameAs(Ciphers.class.getClassLoader());
        byte[] key = random(32);
        byte[] encrypted = rot.encrypt("abc".getBytes(StandardCharsets.US_ASCII), key);
        assertThat(encrypted).isEqualTo("nop".getBytes(StandardCharsets.US_ASCII));
        assertThat(rot.decrypt(encrypted, key)).isEqualTo("abc".getBytes(StandardCharsets.US_ASCII));
        // The server's own ciphers are still there beside it.
        assertThat(Ciphers.find("aes-gcm", jar)).isInstanceOf(AesGcmCipher.class);

        assertThatThrownBy(() -> Ciphers.find("rot13", null))
                .isInstanceOf(Ciphers.Unavailable.class)
                .hasMessageContaining("no cipher named rot13");
    }

    @Test
    void aPluginThatDoesNotDecryptWhatItEncryptedIsRefusedAtOnce() throws Exception {
        Path jar = plugin("bad", "AddOneCipher", "add-one",
                "for (int i = 0; i < out.length; i++) out[i] += 1;",
                "for (int i = 0; i < out.length; i++) out[i] += 1;");
        assertThatThrownBy(() -> Ciphers.find("add-one", jar))
                .isInstanceOf(Ciphers.Unavailable.class)
                .hasMessage("cipher add-one does not decrypt what it encrypted");
    }

    @Test
    void aMissingPluginJarOrOneWithoutProvidersIsRefusedInOneLine() throws Exception {
        Path missing = dir.resolve("missing.jar");
        assertThatThrownBy(() -> Ciphers.find("aes-gcm", missing))
                .isInstanceOf(Ciphers.Unavailable.class)
                .hasMessage("no cipher plugin at " + missing + ": name a jar file that exists");

        Path empty = dir.resolve("empty.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(empty))) {
            out.putNextEntry(new JarEntry("README"));
            out.write("nothing here\n".getBytes(StandardCharsets.US_ASCII));
        }
        assertThatThrownBy(() -> Ciphers.find("aes-gcm", empty))
                .isInstanceOf(Ciphers.Unavailable.class)
                .hasMessage("cipher plugin " + empty + " provides no cipher: it has no META-INF/services/chatsrv.UserFileCipher");
    }

    @Test
    void onlyNativeXorMapsTheLibraryAndWithoutItSaysHowToGetIt() throws Exception {
        // Child JVMs: once loaded, a library stays loaded in a JVM, and this one has loaded it.
        assertThat(child(null, "aes-gcm", "xor")).containsExactly("aes-gcm: ok", "xor: ok", "mapped: false");
        assertThat(child(null, "native-xor")).containsExactly("native-xor: ok", "mapped: true");

        Path missing = dir.resolve("libmissing.so");
        assertThat(child(missing, "xor", "native-xor")).containsExactly(
                "xor: ok",
                "native-xor: cipher native-xor does not work: no native library at " + missing
                        + ": build the step with gcc installed (mvn -pl step12-tui package),"
                        + " or give its path with -Dchatsrv.native=PATH",
                "mapped: false");
    }

    /** Run in a child JVM: finds each cipher named, then says whether libxorcipher.so is mapped. */
    static final class FindMain {
        public static void main(String[] args) throws IOException {
            for (String name : args) {
                try {
                    Ciphers.find(name, null);
                    System.out.println(name + ": ok");
                } catch (Ciphers.Unavailable e) {
                    System.out.println(name + ": " + e.getMessage());
                }
            }
            System.out.println("mapped: " + Files.readString(Path.of("/proc/self/maps")).contains("libxorcipher.so"));
        }
    }

    private List<String> child(Path nativeLibraryOrNull, String... names) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", "target/classes" + java.io.File.pathSeparator + "target/test-classes"));
        if (nativeLibraryOrNull != null) {
            command.add("-Dchatsrv.native=" + nativeLibraryOrNull);
        }
        command.add(FindMain.class.getName());
        command.addAll(List.of(names));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output.lines().toList();
    }

    /**
     * A plugin jar made here: one UserFileCipher, packageName.className, named name, whose
     * encrypt and decrypt run these statements on {@code out}, a copy of their input.
     */
    private Path plugin(String packageName, String className, String name, String encrypt, String decrypt)
            throws IOException {
        String source = "package " + packageName + ";\n"
                + "public final class " + className + " implements chatsrv.UserFileCipher {\n"
                + "  public String name() { return \"" + name + "\"; }\n"
                + "  public byte[] encrypt(byte[] in, byte[] key) { byte[] out = in.clone(); " + encrypt + " return out; }\n"
                + "  public byte[] decrypt(byte[] in, byte[] key) { byte[] out = in.clone(); " + decrypt + " return out; }\n"
                + "}\n";
        Path src = dir.resolve("src").resolve(packageName).resolve(className + ".java");
        Path classes = dir.resolve("classes-" + packageName);
        Files.createDirectories(src.getParent());
        Files.writeString(src, source);
        int status = ToolProvider.getSystemJavaCompiler().run(null, null, null,
                "--release", "17", "-cp", "target/classes", "-d", classes.toString(), src.toString());
        assertThat(status).as("javac").isZero();

        Path jar = dir.resolve(packageName + ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            String classFile = packageName + "/" + className + ".class";
            put(out, classFile, Files.readAllBytes(classes.resolve(classFile)));
            put(out, "META-INF/services/chatsrv.UserFileCipher",
                    (packageName + "." + className + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        return jar;
    }

    private static void put(JarOutputStream jar, String name, byte[] bytes) throws IOException {
        jar.putNextEntry(new JarEntry(name));
        jar.write(bytes);
        jar.closeEntry();
    }
}
