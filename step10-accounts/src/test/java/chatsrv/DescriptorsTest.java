package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Closing a connection gives its descriptor back: clients can come and go forever. */
class DescriptorsTest extends ServerTest {

    @Test
    void descriptorsReturnToTheBaselineAfter200ConnectCloseCycles() throws Exception {
        try (Client stayer = Client.connect(port)) {
            stayer.send("before\n");
            await().atMost(Duration.ofSeconds(2)).until(() -> server.count(": before") == 1);
            long baseline = Proc.fdCount(server.pid());

            for (int i = 0; i < 200; i++) {
                Client c = Client.connect(port);
                if (i % 3 == 0) {
                    c.send("half a li");
                }
                if (i % 2 == 0) {
                    c.reset();
                } else {
                    c.close();
                }
            }

            await().atMost(Duration.ofSeconds(5)).until(() -> server.count("connection terminated") == 200);
            await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(Proc.fdCount(server.pid())).isEqualTo(baseline));
            // 33 of the 67 partial lines were followed by FIN, so the server surely read them; the
            // other 34 by RST, which may reach the server before their bytes are read.
            assertThat(server.count("dropped 9 bytes of an unfinished line")).isBetween(33L, 67L);

            // and the client that stayed all along is still served
            stayer.send("after\n");
            await().atMost(Duration.ofSeconds(2)).until(() -> server.count(": after") == 1);
        }
    }
}
