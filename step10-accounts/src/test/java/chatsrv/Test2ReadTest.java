package chatsrv;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Mirrors course Test2 (read): each complete line shows in the log once, and only when complete. */
class Test2ReadTest extends ServerTest {

    private void awaitCount(String text, int n) {
        await().atMost(Duration.ofSeconds(2)).until(() -> server.count(text) == n);
    }

    @Test
    void aLineShowsInTheLogOnce() throws Exception {
        try (Client c = Client.connect(port)) {
            c.send("TEST-TEST\n");

            awaitCount("TEST-TEST", 1);
        }
    }

    @Test
    void aLineWithoutItsNewlineWaitsForTheRest() throws Exception {
        try (Client c = Client.connect(port)) {
            c.send("TEST-");
            await().during(Duration.ofMillis(50)).atMost(Duration.ofSeconds(1)).until(() -> server.count("TEST-") == 0);

            c.send("TEST\n");
            awaitCount("TEST-TEST", 1);
        }
    }

    @Test
    void linesFromTwoClientsAreAllRead() throws Exception {
        try (Client c = Client.connect(port)) {
            c.send("first from c\n");
            try (Client c2 = Client.connect(port)) {
                // The blocking loop of step 03 would still be waiting on c here: c2 is never read.
                c2.send("first from c2\n");
                c.send("second from c\n");

                awaitCount("from c", 3);
                awaitCount("first from c2", 1);
            }
        }
    }
}
