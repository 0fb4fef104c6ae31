package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Mirrors course Test2 (read): each complete line shows in the log once, and only when
 * complete. In step10 a line is a command: the log shows each as "message from ADDRESS: LINE"
 * (REGISTER and LOGIN without their password), and the server acts on it only once its '\n'
 * has come.
 */
class Test2ReadTest extends ServerTest {

    private void awaitCount(String text, int n) {
        await().atMost(Duration.ofSeconds(2)).until(() -> server.count(text) == n);
    }

    @Test
    void aLineShowsInTheLogOnce() throws Exception {
        try (Client alice = Client.registered(port, "alice")) {
            alice.send("MSG * TEST-TEST\n").expect("FROM alice * TEST-TEST");

            awaitCount("message from " + alice.address() + ": MSG * TEST-TEST", 1);
            await().during(Duration.ofMillis(50)).atMost(Duration.ofSeconds(1)).until(() -> server.count("TEST-TEST") == 1);
        }
    }

    @Test
    void aLineWithoutItsNewlineWaitsForTheRest() throws Exception {
        try (Client alice = Client.registered(port, "alice")) {
            alice.send("MSG * TEST-");
            await().during(Duration.ofMillis(50)).atMost(Duration.ofSeconds(1)).until(() -> server.count("TEST-") == 0);

            alice.send("TEST\n");
            // the first thing alice gets: the half line was neither answered nor sent on
            alice.expect("FROM alice * TEST-TEST");
            awaitCount("message from " + alice.address() + ": MSG * TEST-TEST", 1);
        }
    }

    @Test
    void linesFromTwoClientsAreAllRead() throws Exception {
        try (Client alice = Client.registered(port, "alice")) {
            alice.send("MSG * first from alice\n");
            try (Client bob = Client.registered(port, "bob")) {
                // The blocking loop of step 03 would still be waiting on alice here: bob is never read.
                bob.send("MSG * first from bob\n");
                alice.send("MSG * second from alice\n");

                awaitCount(": MSG * first from alice", 1);
                awaitCount(": MSG * first from bob", 1);
                awaitCount(": MSG * second from alice", 1);
                assertThat(server.count("message from " + alice.address())).isEqualTo(2);
                assertThat(server.count("message from " + bob.address())).isEqualTo(1);
            }
        }
    }

    @Test
    void linesAreReadBeforeLoginToo() throws Exception {
        try (Client c = Client.welcomed(port)) {
            c.send("PING before-login\n").expect("PONG before-login");

            awaitCount("message from " + c.address() + ": PING before-login", 1);
        }
    }
}
