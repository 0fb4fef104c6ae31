package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A client that half-closes (FIN) after its last line still gets that line's answer before the server closes. */
class HalfCloseTest extends ServerTest {
    @Test
    void theLastLineBeforeAHalfCloseIsAnswered() throws Exception {
        try (Client leaver = Client.connect(port)) {
            leaver.readLine();

            leaver.send("last words\n");
            leaver.shutdownOutput();

            assertThat(leaver.readLine()).isEqualTo("last words");
            assertThat(leaver.atEndOfStream()).isTrue();
            server.awaitLine("closed by peer");
        }
    }
}
