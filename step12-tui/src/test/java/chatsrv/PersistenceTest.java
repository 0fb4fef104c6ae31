package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
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

    /**
     * A save that fails half-way (here at the file-size limit of `ulimit -f`, as on a disk that
     * fills up) refuses the registration it was for, and changes nothing else: the name has no
     * account and is free again, and the user file on disk is still the one before, whole, with
     * every account the server said OK REGISTER for.
     */
    @Test
    void aRegistrationWhoseSaveFailsHalfWayIsRefusedAndTheFileStaysWhole() throws Exception {
        server.close();
        // 4 KiB: room for some 40 accounts; the save that would go past it is cut off there.
        server = ServerProcess.startWithFileSizeLimit(4, withThreads(args()));
        port = server.port();
        List<String> confirmed = new ArrayList<>();
        String refused = null;
        for (int i = 0; refused == null; i++) {
            assertThat(i).as("registrations before one could not be saved").isLessThan(200);
            String name = "user-" + i;
            try (Client c = Client.welcomed(port)) {
                c.channel.socket().setSoTimeout(Client.SLOW_ANSWER_MILLIS); // a hash and two fsyncs
                c.send("REGISTER " + name + " " + Client.passwordOf(name) + "\n");
                String answer = c.readLine();
                if (answer.equals("OK REGISTER " + name)) {
                    confirmed.add(name);
                } else {
                    assertThat(answer).isEqualTo(COULD_NOT_SAVE);
                    refused = name;
                }
            }
        }
        assertThat(confirmed).as("registrations saved before the file was full").isNotEmpty();
        try (Client c = Client.welcomed(port)) {
            c.send("LOGIN " + refused + " " + Client.passwordOf(refused) + "\n");
            assertThat(c.readLine()).as("no account").startsWith("ERR LOGIN denied ");
            // Free again: tried anew (and refused the same way), not "taken".
            c.send("REGISTER " + refused + " " + Client.passwordOf(refused) + "\n").expectSlow(COULD_NOT_SAVE);
        }

        restart();
        int accounts = Integer.parseInt(server.awaitGroup("users: ", "users: (\\d+) accounts? in"));
        assertThat(accounts).as("accounts in the file after the failed saves").isEqualTo(confirmed.size());
        Client.loggedIn(port, confirmed.get(0)).close();
        Client.loggedIn(port, confirmed.get(confirmed.size() - 1)).close();
        Client.registered(port, refused).close();
    }

    private static final String COULD_NOT_SAVE = "ERR REGISTER busy could not save the account; try again later";

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
