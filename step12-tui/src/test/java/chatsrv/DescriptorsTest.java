package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Closing a connection gives its descriptor back, whatever the client did before it left
 * (nothing, half a line, a login): clients can come and go forever.
 */
class DescriptorsTest extends ServerTest {

    @Test
    void descriptorsReturnToTheBaselineAfter200ConnectCloseCycles() throws Exception {
        try (Client stayer = Client.registered(port, "stayer")) {
            Client.registered(port, "cycler").close(); // an account for the cycles to log in to
            server.awaitLine("cycler logged out");
            stayer.send("MSG * before\n").expect("FROM stayer * before");
            await().atMost(Duration.ofSeconds(2)).until(() -> server.count(": MSG * before") == 1);
            long baseline = Proc.fdCount(server.pid());

            int logins = 0;
            for (int i = 0; i < 200; i++) {
                Client c = Client.connect(port);
                if (i % 3 == 0) {
                    c.send("MSG * hal"); // half a line: 9 bytes
                } else if (i % 3 == 1) {
                    c.readLine(); // the greeting
                    c.send("LOGIN cycler " + Client.passwordOf("cycler") + "\n").expect("OK LOGIN cycler");
                    logins++;
                }
                if (i % 2 == 0) {
                    c.reset();
                } else {
                    c.close();
                }
            }

            await().atMost(Duration.ofSeconds(5)).until(() -> server.count("connection terminated") == 201);
            await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(Proc.fdCount(server.pid())).isEqualTo(baseline));
            // 33 of the 67 partial lines were followed by FIN, so the server surely read them; the
            // other 34 by RST, which may reach the server before their bytes are read.
            assertThat(server.count("dropped 9 bytes of an unfinished line")).isBetween(33L, 67L);
            // every login that left logged out, once
            assertThat(server.count("cycler logged out")).isEqualTo(logins + 1);

            // and the client that stayed all along is still served
            stayer.send("MSG * after\n").expect("FROM stayer * after");
            await().atMost(Duration.ofSeconds(2)).until(() -> server.count(": MSG * after") == 1);
        }
    }
}
