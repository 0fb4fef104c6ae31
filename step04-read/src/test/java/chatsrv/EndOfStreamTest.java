package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A client leaves: the loop stops watching it, or end of stream would wake it forever, but does
 * not close it yet (step05 does), so the server's side of the connection stays in CLOSE-WAIT.
 */
class EndOfStreamTest extends ServerTest {
    @Test
    void aClientThatLeavesIsNoLongerWatchedButNotClosed() throws Exception {
        int clientPort;
        try (Client c = Client.connect(port)) {
            clientPort = c.localPort();
            c.send("goodbye\n");
            server.awaitLine("goodbye");
        }

        String remote = String.format(":%04X", clientPort);
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(Proc.tcp()).anySatisfy(row -> {
            assertThat(row.localPort()).isEqualTo(port);
            assertThat(row.remote()).endsWith(remote);
            assertThat(row.state()).isEqualTo(Proc.TcpRow.CLOSE_WAIT);
        }));
        // A socket at end of stream is always readable: had the key stayed, the loop would spin.
        server.assertNotSpinning();
    }
}
