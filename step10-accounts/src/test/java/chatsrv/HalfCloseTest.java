package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A client that half-closes (FIN) after its last line still has that line delivered, to others and to itself. */
class HalfCloseTest extends ServerTest {
    @Test
    void theLastLineBeforeAHalfCloseIsDelivered() throws Exception {
        try (Client stayer = Client.connect(port); Client leaver = Client.connect(port)) {
            stayer.readLine();
            leaver.readLine();

            leaver.send("last words\n");
            leaver.shutdownOutput();

            assertThat(stayer.readLine()).endsWith(": last words");
            assertThat(leaver.readLine()).endsWith(": last words");
            assertThat(leaver.atEndOfStream()).isTrue();
            server.awaitLine("closed by peer");
        }
    }
}
