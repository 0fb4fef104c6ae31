package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A client that never reads is cut off at --max-pending; the others do not wait for it. */
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
            long[] roundTrips = new long[2000];

            // a and b take turns: each message goes out only once the previous one came back.
            for (int i = 0; i < roundTrips.length; i++) {
                Client sender = i % 2 == 0 ? a : b;
                long start = System.nanoTime();
                sender.send("message " + i + " " + padding + "\n");
                String expected = ": message " + i + " " + padding;
                assertThat(a.readLine()).endsWith(expected);
                assertThat(b.readLine()).endsWith(expected);
                roundTrips[i] = System.nanoTime() - start;
            }

            String cut = server.awaitLine("too slow");
            assertThat(cut).contains("127.0.0.1:" + slow.localPort()).contains("over --max-pending 262144");
            long waiting = Long.parseLong(cut.replaceAll(".*too slow: (\\d+) bytes.*", "$1"));
            // It went at the first flush past the limit: over by less than one pass's output.
            assertThat(waiting).isBetween(262_144L, 262_144L + 64 * 1024);

            Arrays.sort(roundTrips);
            System.out.printf("measured: cut off at %d bytes waiting; 2000 round trips, median %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    waiting, roundTrips[1000] / 1e6, roundTrips[1980] / 1e6, roundTrips[1999] / 1e6);
        }
    }
}
