package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Passwords are hashed on the hashers, never on the event loop nor on a worker: while a queue
 * of real, slow hashes is worked through, a PING is answered at once. The test shows it by
 * order, not by time: the PONG comes before the last of the logins that were sent before it.
 */
class PingWhileHashingTest extends ServerTest {
    private static final int LOGINS = 8;

    @Override
    String[] serverArgs() {
        // One worker and one hasher for all, and hashes of the real cost (600,000 iterations).
        return args("--threads", "1", "--hash-iterations", Integer.toString(Passwords.DEFAULT_ITERATIONS));
    }

    @Test
    void aPingIsAnsweredWhileHashesRun() throws Exception {
        for (int i = 0; i < LOGINS; i++) {
            Client.registered(port, "user-" + i).close();
        }
        long registered = server.count(": logged in as user-"); // the registrations log it too
        List<Client> clients = new ArrayList<>();
        try (Client pinger = Client.registered(port, "pinger")) {
            for (int i = 0; i < LOGINS; i++) {
                Client c = Client.welcomed(port);
                clients.add(c);
                c.send("LOGIN user-" + i + " " + Client.passwordOf("user-" + i) + "\n");
            }
            server.awaitLine("LOGIN user-" + (LOGINS - 1) + " (password not logged)");
            pinger.send("PING while-hashing\n").expect("PONG while-hashing");
            pinger.send("MSG * and a message\n").expect("FROM pinger * and a message");
            assertThat(server.count(": logged in as user-"))
                    .as("answered before the last of %d logins, each a hash of 600,000 iterations", LOGINS).isLessThan(registered + LOGINS);
            for (int i = 0; i < LOGINS; i++) {
                clients.get(i).expect("OK LOGIN user-" + i);
            }
        } finally {
            for (Client c : clients) {
                c.close();
            }
        }
    }
}
