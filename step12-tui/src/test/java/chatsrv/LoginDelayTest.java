package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Failed logins slow down: each denial on a connection comes later than the one before (100,
 * 200, 400, 800 ms after its hash, then 1600 ms and BYE), and the wait is a deadline on the
 * event loop, not a sleeping thread: the server serves everyone else meanwhile.
 */
class LoginDelayTest extends ServerTest {
    @Test
    void eachDenialComesLaterThanTheLastAndTheFifthCloses() throws Exception {
        Client.registered(port, "alice").close();
        try (Client c = Client.welcomed(port)) {
            List<Long> waits = new ArrayList<>();
            for (int i = 0; i < Chat.MAX_FAILURES; i++) {
                long sent = System.nanoTime();
                c.send("LOGIN alice guess number " + i + "\n");
                assertThat(c.readLine()).startsWith("ERR LOGIN denied ");
                waits.add((System.nanoTime() - sent) / 1_000_000);
            }
            c.expect("BYE too many failed logins");
            assertThat(c.atEndOfStream()).isTrue();
            System.out.println("measured: denials after " + waits + " ms");
            // Lower bounds only: a slow machine may answer later still, never sooner.
            for (int i = 0; i < waits.size(); i++) {
                assertThat(waits.get(i)).as("denial %d of %s", i + 1, waits).isGreaterThanOrEqualTo(100L << i);
            }
        }
        server.awaitLine("LOGIN alice denied (5 of 5)");
    }

    @Test
    void aSuccessfulLoginIsNotDelayedAndResetsTheCount() throws Exception {
        Client.registered(port, "alice").close();
        try (Client c = Client.welcomed(port)) {
            for (int i = 0; i < Chat.MAX_FAILURES - 1; i++) {
                c.send("LOGIN alice wrong\n");
                assertThat(c.readLine()).startsWith("ERR LOGIN denied ");
            }
            c.send("LOGIN alice " + Client.passwordOf("alice") + "\n").expect("OK LOGIN alice");
            c.send("PING still-here\n").expect("PONG still-here");
        }
    }

    @Test
    void whileADenialWaitsEveryoneElseIsServedEvenOnTheSameWorker() throws Exception {
        // --threads 1: one worker, one hasher, for every client. A worker that slept through
        // the delay would leave bob's PING unanswered until after the denial.
        server.close();
        server = ServerProcess.start(args("--threads", "1"));
        port = server.port();
        Client.registered(port, "alice").close();
        try (Client mallory = Client.welcomed(port); Client bob = Client.registered(port, "bob")) {
            for (int i = 0; i < 3; i++) {
                mallory.send("LOGIN alice wrong\n");
                assertThat(mallory.readLine()).startsWith("ERR LOGIN denied ");
            }
            mallory.send("LOGIN alice wrong again\n"); // answered 800 ms after its hash
            String login = "127.0.0.1:" + mallory.localPort() + ": LOGIN alice (password not logged)";
            await().atMost(ServerProcess.STARTUP).until(() -> server.count(login) == 4);
            bob.send("PING while-mallory-waits\n").expect("PONG while-mallory-waits");
            bob.send("MSG * hello\n").expect("FROM bob * hello");
            assertThat(server.count("LOGIN alice denied (4 of 5)")).as("bob was answered before mallory's denial").isZero();
            assertThat(mallory.readLine()).startsWith("ERR LOGIN denied ");
        }
    }
}
