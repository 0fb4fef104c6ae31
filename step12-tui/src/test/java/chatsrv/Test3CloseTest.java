package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Mirrors course Test3 (close): one `connection terminated` per client that leaves, and only
 * then. In step10 a client that was logged in also logs out as it leaves ("NAME logged out"),
 * once, and the half line it leaves behind is never taken as a command.
 */
class Test3CloseTest extends ServerTest {
    static final String TERMINATED = "connection terminated";

    private void awaitCount(String text, int n) {
        await().atMost(Duration.ofSeconds(2)).until(() -> server.count(text) == n);
    }

    @Test
    void eachClientThatLeavesIsTerminatedOnce() throws Exception {
        Client c1 = Client.registered(port, "alice");
        Client c2 = Client.registered(port, "bob");
        Client c3 = Client.welcomed(port); // never logs in
        c2.send("MSG * Some message");
        awaitCount("accepted connection", 3);
        await().during(Duration.ofMillis(50)).atMost(Duration.ofSeconds(1)).until(() -> server.count(TERMINATED) == 0);

        String c1Address = c1.address();
        // Read all the server sent (the roster's lines among it): a socket closed with unread
        // bytes sends RST, not FIN, and this is the test of a close.
        c1.send("PING\n").expect("PONG");
        c1.close();
        awaitCount(TERMINATED, 1);
        assertThat(server.awaitLine(TERMINATED)).contains(c1Address + " closed by peer");
        awaitCount("alice logged out", 1);

        c2.close();
        c3.close();
        awaitCount(TERMINATED, 3);
        awaitCount("bob logged out", 1);
        await().during(Duration.ofMillis(50)).atMost(Duration.ofSeconds(1)).until(() -> server.count("logged out") == 2);
    }

    @Test
    void anUnfinishedLineIsDroppedAndTheLogSaysSo() throws Exception {
        try (Client bob = Client.registered(port, "bob")) {
            Client alice = Client.registered(port, "alice");
            alice.send("MSG * Some message");
            alice.close();

            awaitCount("dropped 18 bytes of an unfinished line", 1);
            assertThat(server.count("Some message")).as("an unfinished line is never a message").isZero();
            // and nobody got it: bob's next line is the answer to what he sends now
            bob.send("PING after\n").expect("PONG after");
        }
    }

    @Test
    void aResetIsTerminatedToo() throws Exception {
        Client c = Client.registered(port, "alice");
        awaitCount("accepted connection", 1);
        c.reset();

        awaitCount(TERMINATED, 1);
        awaitCount("Connection reset", 1);
        awaitCount("alice logged out", 1);
    }
}
