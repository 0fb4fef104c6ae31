package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A user that sends MSG * fast and never reads must not make the server hold its own messages,
 * which come back to it as receipts, without bound.
 */
class BackPressureTest extends ServerTest {
    private static final Pattern PAUSED = Pattern.compile("pausing reads from .*: (\\d+) bytes waiting");
    /** The server's default --max-pending: a client holding more is cut off. */
    private static final int MAX_PENDING_OPTION = 1 << 20;
    private static final String FLOOD = "x".repeat(99);

    @Test
    void aClientThatNeverReadsIsPausedAndOthersAreStillServed() throws Exception {
        Client flooder = Client.registered(port, "flooder");
        String flooderAddress = flooder.address();
        byte[] fiftyMegabytes = ("MSG * " + FLOOD + "\n").repeat(500_000).getBytes();
        CompletableFuture<Void> flood = CompletableFuture.runAsync(() -> {
            try {
                flooder.send(fiftyMegabytes);
            } catch (IOException closedByTheTest) {
                // expected: the test resets this client while the write is still blocked
            }
        });

        String paused = server.awaitLine("pausing reads from");
        Matcher m = PAUSED.matcher(paused);
        assertThat(m.find()).as(paused).isTrue();
        assertThat(paused).contains("pausing reads from " + flooderAddress + ":");
        // The server's own accounting: reading from the flooder stopped once its own messages,
        // queued back to it, passed PAUSE_READS_AT; the reads the pool still held may add their
        // lines on top, but the total stays well under the --max-pending at which it would be cut off.
        assertThat(Integer.parseInt(m.group(1)))
                .isGreaterThanOrEqualTo(Connection.PAUSE_READS_AT)
                .isLessThan(MAX_PENDING_OPTION);

        try (Client other = Client.registered(port, "other")) {
            other.send("MSG * still there?\n");
            // Messages of the flooder's that the pool held when its reads paused may come first.
            String line;
            do {
                line = other.readLine();
            } while (line.equals("FROM flooder * " + FLOOD));
            assertThat(line).isEqualTo("FROM other * still there?");
        }
        // 50 MB cannot all have gone: the kernel's buffers are full and the flooder's write blocks.
        assertThat(flood).isNotDone();

        flooder.reset();
        flood.join();
        server.awaitLine("connection terminated: " + flooderAddress);
        server.awaitLine("flooder logged out");
        assertThat(server.count("too slow")).as("paused, not cut off").isZero();
    }
}
