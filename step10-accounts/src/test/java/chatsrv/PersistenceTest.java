package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/**
 * Accounts outlive the server: they are in the user file, encrypted, under the key of the
 * secret file. A server that cannot use either says so in one line and exits 1, and never
 * writes over a user file it could not read.
 */
class PersistenceTest extends ServerTest {
    private Path users() {
        return dir.resolve("users.db");
    }

    private Path key() {
        return dir.resolve("users.key");
    }

    private void restart(String... more) throws Exception {
        server.close();
        server = ServerProcess.start(withThreads(args(more)));
        port = server.port();
    }

    @Test
    void accountsSurviveARestart() throws Exception {
        Client.registered(port, "alice").close();
        Client.registered(port, "bob").close();
        restart();
        server.awaitLine("users: 2 accounts in");
        Client.loggedIn(port, "alice").close();
        try (Client c = Client.welcomed(port)) {
            c.send("LOGIN bob not bob's password\n");
            assertThat(c.readLine()).startsWith("ERR LOGIN denied ");
            c.send("REGISTER alice another password\n");
            assertThat(c.readLine()).startsWith("ERR REGISTER taken ");
        }
    }

    @Test
    void theSecretFileIsMadeOnFirstStartReadableByItsOwnerOnly() throws Exception {
        assertThat(Files.size(key())).isEqualTo(32);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key()))).isEqualTo("rw-------");
        Client.registered(port, "alice").close();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(users()))).isEqualTo("rw-------");
    }

    @Test
    void aSecretFileOthersCanReadIsRefused() throws Exception {
        server.close();
        Files.setPosixFilePermissions(key(), PosixFilePermissions.fromString("rw-r--r--"));
        assertRefusedWith("users.key");
    }

    @Test
    void aSecretFileTooShortIsRefused() throws Exception {
        server.close();
        Files.write(key(), new byte[31]);
        assertRefusedWith("31");
    }

    @Test
    void aTamperedUserFileIsRefusedAndLeftAsItWas() throws Exception {
        Client.registered(port, "alice").close();
        server.close();
        byte[] bytes = Files.readAllBytes(users());
        bytes[bytes.length - 20] ^= 1; // one bit, somewhere in the encrypted accounts
        Files.write(users(), bytes);
        assertRefusedWith("users.db");
        assertThat(Files.readAllBytes(users())).as("never written over").isEqualTo(bytes);
    }

    @Test
    void aUserFileUnderAnotherKeyIsRefused() throws Exception {
        Client.registered(port, "alice").close();
        server.close();
        Files.delete(key()); // the next start makes a new one, which does not open the file
        byte[] before = Files.readAllBytes(users());
        assertRefusedWith("users.db");
        assertThat(Files.readAllBytes(users())).isEqualTo(before);
    }

    @Test
    void aUserFileWrittenWithAnotherCipherNamesIt() throws Exception {
        server.close();
        server = ServerProcess.start(withThreads(args("--cipher", "xor")));
        port = server.port();
        Client.registered(port, "alice").close();
        server.close();
        assertRefusedWith("xor");
        restart("--cipher", "xor");
        Client.loggedIn(port, "alice").close();
    }

    @Test
    void anUnknownCipherIsRefusedWithTheNamesOfThoseThereAre() throws Exception {
        server.close();
        server = ServerProcess.start(withThreads(args("--cipher", "rot13")));
        assertThat(server.awaitExit()).isEqualTo(1);
        assertThat(server.errorLines()).hasSize(1);
        assertThat(server.errorLines().get(0)).contains("rot13", "aes-gcm", "xor", "native-xor");
    }

    /** Starts a server on the test's files, and expects it to refuse: exit 1, one line on stderr, naming {@code what}. */
    private void assertRefusedWith(String what) throws Exception {
        server = ServerProcess.start(withThreads(args()));
        assertThat(server.awaitExit()).isEqualTo(1);
        assertThat(server.errorLines()).hasSize(1);
        assertThat(server.errorLines().get(0)).startsWith("chatsrv: ").contains(what);
        assertThat(server.lines()).noneMatch(l -> l.contains("listening on"));
    }
}
