package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The user file: what is saved loads back, it is replaced whole, and any damage or wrong key or cipher is told in one line. */
class UserFileTest {
    private static final Random RANDOM = new Random(7);

    @TempDir
    Path dir;

    private final byte[] key = bytes(32);

    private static byte[] bytes(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static Account account(String name, int iterations) {
        return new Account(name, iterations, bytes(16), bytes(32));
    }

    /** An account as text, since a record's byte[] fields compare by identity. */
    private static String text(Account account) {
        HexFormat hex = HexFormat.of();
        return account.name() + ":" + account.iterations() + ":" + hex.formatHex(account.salt()) + ":" + hex.formatHex(account.hash());
    }

    private static List<String> texts(List<Account> accounts) {
        return accounts.stream().map(UserFileTest::text).toList();
    }

    private static UserFileCipher cipher(String name) throws Ciphers.Unavailable {
        return Ciphers.find(name, null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"aes-gcm", "xor", "native-xor"})
    void whatIsSavedLoadsBackInOrder(String name) throws Exception {
        Path file = dir.resolve("users.db");
        List<Account> accounts = List.of(account("zoe", 600000), account("alice", 1), account("bob_2-x", 1000));
        UserFile.save(file, accounts, cipher(name), key);

        assertThat(Files.readString(file, StandardCharsets.ISO_8859_1)).startsWith("chatsrv-users " + name + "\n");
        assertThat(texts(UserFile.load(file, cipher(name), key))).containsExactlyElementsOf(texts(accounts));
    }

    @Test
    void noAccountsIsAFileTooAndASecondSaveReplacesTheFirst() throws Exception {
        Path file = dir.resolve("users.db");
        UserFile.save(file, List.of(), cipher("aes-gcm"), key);
        assertThat(UserFile.load(file, cipher("aes-gcm"), key)).isEmpty();

        List<Account> accounts = List.of(account("alice", 600000));
        UserFile.save(file, accounts, cipher("aes-gcm"), key);
        assertThat(texts(UserFile.load(file, cipher("aes-gcm"), key))).containsExactlyElementsOf(texts(accounts));
    }

    @Test
    void theDecryptedTextIsTheFixedFormat() {
        Account alice = new Account("alice", 600000, new byte[] {1, 2, 3}, new byte[] {(byte) 0xff});
        assertThat(new String(UserFile.format(List.of(alice)), StandardCharsets.UTF_8))
                .isEqualTo("chatsrv users, format 1\nalice:600000:AQID:/w==\n");
    }

    @Test
    void aMissingFileIsNoAccountsAndIsNotMade() throws Exception {
        Path file = dir.resolve("users.db");
        assertThat(UserFile.load(file, cipher("aes-gcm"), key)).isEmpty();
        assertThat(file).doesNotExist();
    }

    @Test
    void aChangedByteIsRefusedInOneLineAndTheFileIsLeftAsItWas() throws Exception {
        Path file = dir.resolve("users.db");
        UserFile.save(file, List.of(account("alice", 600000)), cipher("aes-gcm"), key);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(file, bytes);

        assertThatThrownBy(() -> UserFile.load(file, cipher("aes-gcm"), key))
                .isInstanceOf(UserFile.Unreadable.class)
                .hasMessageStartingWith(file + " cannot be decrypted")
                .message().doesNotContain("\n");
        assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"aes-gcm", "xor"})
    void aWrongKeyIsRefused(String name) throws Exception {
        Path file = dir.resolve("users.db");
        UserFile.save(file, List.of(account("alice", 600000)), cipher(name), key);
        byte[] bytes = Files.readAllBytes(file);

        assertThatThrownBy(() -> UserFile.load(file, cipher(name), bytes(32)))
                .isInstanceOf(UserFile.Unreadable.class)
                .hasMessageContaining("start with the key file it was written with")
                .message().doesNotContain("\n");
        assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
    }

    @Test
    void aWrongCipherIsToldTheRightOne() throws Exception {
        Path file = dir.resolve("users.db");
        UserFile.save(file, List.of(account("alice", 600000)), cipher("xor"), key);

        assertThatThrownBy(() -> UserFile.load(file, cipher("aes-gcm"), key))
                .isInstanceOf(UserFile.Unreadable.class)
                .hasMessage(file + " was written with cipher xor; start with --cipher xor");
    }

    @Test
    void aFileThatIsNotAUserFileIsSaidToBeNotOne() throws Exception {
        Path file = dir.resolve("users.db");
        Files.writeString(file, "alice:secret\n");
        assertThatThrownBy(() -> UserFile.load(file, cipher("aes-gcm"), key))
                .isInstanceOf(UserFile.Unreadable.class)
                .hasMessageStartingWith(file + " is not a chatsrv user file");
    }

    @Test
    void aBadRecordADuplicateOrACutLineIsRefusedWithoutShowingAHash() throws Exception {
        Path file = dir.resolve("users.db");
        String hash = Base64.getEncoder().encodeToString(bytes(32));
        String good = "alice:600000:AQID:" + hash + "\n";
        // As if the server had written them: the damage is inside the encryption.
        for (String[] damaged : new String[][] {
                {good + "bob:many:AQID:" + hash + "\n", ", line 3: not an account"},
                {good + "bob:600000:AQID\n", ", line 3: not an account"},
                {good + "bob:600000:AQ!D:" + hash + "\n", ", line 3: not an account"},
                {good + "\n", ", line 3: not an account"},
                {good + good, " has two accounts named alice"},
                {good + "bob:600000:AQID:" + hash, " ends in the middle of an account"}}) {
            writeEncrypted(file, UserFile.FORMAT + damaged[0]);
            assertThatThrownBy(() -> UserFile.load(file, cipher("aes-gcm"), key))
                    .as(damaged[1])
                    .isInstanceOf(UserFile.Unreadable.class)
                    .hasMessageStartingWith(file + damaged[1])
                    .message().doesNotContain("\n").doesNotContain(hash);
        }
    }

    private void writeEncrypted(Path file, String plain) throws Exception {
        byte[] head = "chatsrv-users aes-gcm\n".getBytes(StandardCharsets.US_ASCII);
        byte[] body = cipher("aes-gcm").encrypt(plain.getBytes(StandardCharsets.UTF_8), key);
        byte[] bytes = new byte[head.length + body.length];
        System.arraycopy(head, 0, bytes, 0, head.length);
        System.arraycopy(body, 0, bytes, head.length, body.length);
        Files.write(file, bytes);
    }

    @Test
    void saveLeavesOnlyTheFileForItsOwnerAlone() throws Exception {
        Path file = dir.resolve("users.db");
        UserFile.save(file, List.of(account("alice", 600000)), cipher("aes-gcm"), key);

        try (var names = Files.list(dir)) {
            assertThat(names.map(p -> p.getFileName().toString())).containsExactly("users.db");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void aTemporaryFileLeftByACrashDoesNotStopASaveNorLendItsMode() throws Exception {
        Path file = dir.resolve("users.db");
        Path stale = dir.resolve("users.db.tmp");
        Files.writeString(stale, "half of an older save");
        Files.setPosixFilePermissions(stale, PosixFilePermissions.fromString("rw-r--r--"));

        List<Account> accounts = List.of(account("alice", 600000));
        UserFile.save(file, accounts, cipher("aes-gcm"), key);

        assertThat(stale).doesNotExist();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(texts(UserFile.load(file, cipher("aes-gcm"), key))).containsExactlyElementsOf(texts(accounts));
    }

    @ParameterizedTest
    @ValueSource(strings = {"aes-gcm", "xor", "native-xor"})
    void neitherNamesNorHashesAreInTheClear(String name) throws Exception {
        Path file = dir.resolve("users.db");
        Account alice = account("alice", 600000);
        UserFile.save(file, List.of(alice), cipher(name), key);

        String onDisk = Files.readString(file, StandardCharsets.ISO_8859_1);
        assertThat(onDisk).doesNotContain("alice").doesNotContain(Base64.getEncoder().encodeToString(alice.hash()));
    }
}
