package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Mirrors course Test3 (close): one `connection terminated` per client that leaves, and only then. */
class Test3CloseTest extends ServerTest {
    static final String TERMINATED = "connection terminated";

    private void awaitCount(String text, int n) {
        await().atMost(Duration.ofSeconds(2)).until(() -> server.count(text) == n);
    }

    @Test
    void eachClientThatLeavesIsTerminatedOnce() throws Exception {
        Client c1 = Client.connect(port);
        Client c2 = Client.connect(port);
        Client c3 = Client.connect(port);
        c2.send("Some message");
        awaitCount("accepted connection", 3);
        await().during(Duration.ofMillis(50)).atMost(Duration.ofSeconds(1)).until(() -> server.count(TERMINATED) == 0);

        c1.close();
        awaitCount(TERMINATED, 1);

        c2.close();
        c3.close();
        awaitCount(TERMINATED, 3);
    }

    @Test
    void anUnfinishedLineIsDroppedAndTheLogSaysSo() throws Exception {
        Client c = Client.connect(port);
        c.send("Some message");
        c.close();

        awaitCount("dropped 12 bytes of an unfinished line", 1);
        assertThat(server.count("Some message")).as("an unfinished line is never a message").isZero();
    }

    @Test
    void aResetIsTerminatedToo() throws Exception {
        Client c = Client.connect(port);
        awaitCount("accepted connection", 1);
        c.reset();

        awaitCount(TERMINATED, 1);
        awaitCount("Connection reset", 1);
    }
}
