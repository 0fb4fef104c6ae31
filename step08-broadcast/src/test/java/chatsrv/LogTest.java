package chatsrv;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/** Log formats its lines itself (no String.format): the wording is the tests' interface. */
class LogTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final Log log = new Log(new PrintStream(bytes, false, UTF_8));

    private String logged() {
        log.flush();
        return bytes.toString(UTF_8);
    }

    @Test
    void eachPercentSOrPercentDTakesTheNextArgumentInTurn() {
        log.info("accepted connection from %s (clients: %d)", "127.0.0.1:5000", 42);

        assertThat(logged()).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d\\d\\d accepted connection from 127\\.0\\.0\\.1:5000 \\(clients: 42\\)\n");
    }

    @Test
    void aPercentSignInAnArgumentOrBeforeAnotherLetterIsKeptAsItIs() {
        log.info("message from %s: %s", "127.0.0.1:5000", "100% sure, %d and %s are text here");
        log.info("50% done, %x is not ours, and a trailing %");

        assertThat(logged().lines().map(line -> line.substring(13)))
                .containsExactly("message from 127.0.0.1:5000: 100% sure, %d and %s are text here",
                        "50% done, %x is not ours, and a trailing %");
    }
}
