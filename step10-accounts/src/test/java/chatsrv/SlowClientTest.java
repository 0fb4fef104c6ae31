package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A client that never reads is cut off once it has owed more than --max-pending for a second;
 * the others do not wait for it. A client that reads is never cut off for a burst.
 */
class SlowClientTest extends ServerTest {
    @Override
    String[] serverArgs() {
        return new String[] {"--port", "0", "--max-pending", "256k"};
    }

    @Test
    void aReaderThatNeverReadsIsCutOffAndTheOthersKeepTalking() throws Exception {
        try (Client slow = Client.connect(port); Client a = Client.connect(port); Client b = Client.connect(port)) {
            a.readLine();
            b.readLine();
            String padding = "p".repeat(900);
            long start = System.nanoTime();

            // a and b take turns, each message going out once the previous one came back, until
            // the server gives up on the client that never reads (at most 10 s).
            int sent = 0;
            while (server.count("too slow") == 0) {
                assertThat(System.nanoTime() - start).as("the slow client was not cut off within 10 s").isLessThan(10_000_000_000L);
                Client sender = sent % 2 == 0 ? a : b;
                sender.send("message " + sent + " " + padding + "\n");
                String expected = ": message " + sent + " " + padding;
                assertThat(a.readLine()).endsWith(expected);
                assertThat(b.readLine()).endsWith(expected);
                sent++;
            }

            String cut = server.awaitLine("too slow");
            assertThat(cut).contains("127.0.0.1:" + slow.localPort()).contains("over --max-pending 262144 for ");
            long waiting = Long.parseLong(cut.replaceAll(".*too slow: (\\d+) bytes.*", "$1"));
            long overFor = Long.parseLong(cut.replaceAll(".* for (\\d+) ms.*", "$1"));
            assertThat(overFor).as("milliseconds over the limit").isGreaterThanOrEqualTo(1000);
            assertThat(waiting).isBetween(262_144L, 16 * 262_144L);
            System.out.printf("measured: cut off with %d bytes waiting, over the limit for %d ms, after %d round trips%n",
                    waiting, overFor, sent);
        }
    }

    /**
     * 128 KiB of empty lines are 131,072 messages, and each goes to every member with the
     * sender's address in front: over 2 MB for each, ten times --max-pending, in two passes.
     * Clients that read take it all and stay.
     */
    @Test
    void aBurstThatReadersTakeIsNotSlowness() throws Exception {
        try (Client sender = Client.connect(port); Client reader = Client.connect(port)) {
            sender.readLine();
            reader.readLine();
            CompletableFuture<Integer> senderReads = CompletableFuture.supplyAsync(() -> countEmptyMessages(sender, 131_072));

            sender.send("\n".repeat(128 * 1024));

            assertThat(countEmptyMessages(reader, 131_072)).isEqualTo(131_072);
            assertThat(senderReads.get()).isEqualTo(131_072);
            sender.send("still here\n");
            assertThat(reader.readLine()).endsWith(": still here");
            assertThat(server.count("too slow")).isZero();
        }
    }

    private static int countEmptyMessages(Client c, int n) {
        int count = 0;
        try {
            for (int i = 0; i < n; i++) {
                if (c.readLine().endsWith(": ")) {
                    count++;
                }
            }
        } catch (Exception e) {
            throw new AssertionError("after " + count + " lines: " + e, e);
        }
        return count;
    }
}
