package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A user that never reads is cut off once it has owed more than --max-pending for a second;
 * the others do not wait for it. A user that reads is never cut off for a burst.
 */
class SlowClientTest extends ServerTest {
    @Override
    String[] serverArgs() {
        return args("--max-pending", "256k");
    }

    @Test
    void aReaderThatNeverReadsIsCutOffAndTheOthersKeepTalking() throws Exception {
        try (Client slow = Client.registered(port, "slow"); Client a = Client.registered(port, "a"); Client b = Client.registered(port, "b")) {
            String padding = "p".repeat(900);
            long start = System.nanoTime();

            // a and b take turns, each message going out once the previous one came back, until
            // the server gives up on the client that never reads (at most 10 s).
            int sent = 0;
            while (server.count("too slow") == 0) {
                assertThat(System.nanoTime() - start).as("the slow client was not cut off within 10 s").isLessThan(10_000_000_000L);
                Client sender = sent % 2 == 0 ? a : b;
                sender.send("MSG * message " + sent + " " + padding + "\n");
                String expected = "FROM " + (sent % 2 == 0 ? "a" : "b") + " * message " + sent + " " + padding;
                a.expect(expected);
                b.expect(expected);
                sent++;
            }

            String cut = server.awaitLine("too slow");
            assertThat(cut).contains("connection terminated: " + slow.address()).contains("over --max-pending 262144 for ");
            long waiting = Long.parseLong(cut.replaceAll(".*too slow: (\\d+) bytes.*", "$1"));
            long overFor = Long.parseLong(cut.replaceAll(".* for (\\d+) ms.*", "$1"));
            assertThat(overFor).as("milliseconds over the limit").isGreaterThanOrEqualTo(1000);
            assertThat(waiting).isBetween(262_144L, 16 * 262_144L);
            server.awaitLine("slow logged out");
            System.out.printf("measured: cut off with %d bytes waiting, over the limit for %d ms, after %d round trips%n",
                    waiting, overFor, sent);
        }
    }

    /**
     * 64 Ki messages of one byte from a user with a name of 32 bytes: half a megabyte in, and to
     * every user logged in, "FROM <the name> * x" for each, 42 bytes: 2.75 MB for each, ten times
     * --max-pending, in eight reads. Users that read take it all and stay.
     */
    @Test
    void aBurstThatReadersTakeIsNotSlowness() throws Exception {
        String name = "a-sender-with-a-name-of-32-bytes";
        assertThat(name).hasSize(32);
        try (Client sender = Client.registered(port, name); Client reader = Client.registered(port, "reader")) {
            String each = "FROM " + name + " * x";
            CompletableFuture<Integer> senderReads = CompletableFuture.supplyAsync(() -> count(sender, each, 65_536));

            sender.send("MSG * x\n".repeat(65_536));

            assertThat(count(reader, each, 65_536)).isEqualTo(65_536);
            assertThat(senderReads.get()).isEqualTo(65_536);
            sender.send("MSG * still here\n");
            reader.expect("FROM " + name + " * still here");
            assertThat(server.count("too slow")).isZero();
        }
    }

    private static int count(Client c, String expected, int n) {
        int count = 0;
        try {
            for (int i = 0; i < n; i++) {
                if (c.readLine().equals(expected)) {
                    count++;
                }
            }
        } catch (Exception e) {
            throw new AssertionError("after " + count + " lines: " + e, e);
        }
        return count;
    }
}
