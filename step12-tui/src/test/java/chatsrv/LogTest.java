package chatsrv;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Log formats its lines itself (no String.format), and shows a client's bytes so they cannot forge a line. */
class LogTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final Log log = new Log(new PrintStream(bytes, false, UTF_8));

    private String logged() {
        log.flush();
        return bytes.toString(UTF_8);
    }

    private static ByteBuffer bytes(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length);
        for (int v : values) {
            b.put((byte) v);
        }
        return b.flip();
    }

    @Test
    void eachPercentSOrPercentDTakesTheNextArgumentInTurn() {
        log.info("accepted connection from %s (fd %d)", "127.0.0.1:5000", 42);

        assertThat(logged()).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d\\d\\d accepted connection from 127\\.0\\.0\\.1:5000 \\(fd 42\\)\n");
    }

    @Test
    void aPercentSignInAnArgumentOrBeforeAnotherLetterIsKeptAsItIs() {
        log.info("message from %s: %s", "127.0.0.1:5000", "100% sure, %d and %s are text here");
        log.info("50% done, %x is not ours, and a trailing %");

        assertThat(logged().lines().map(line -> line.substring(13)))
                .containsExactly("message from 127.0.0.1:5000: 100% sure, %d and %s are text here",
                        "50% done, %x is not ours, and a trailing %");
    }

    @Test
    void controlBytesShowAsEscapesAndInvalidUtf8AsReplacementCharacters() {
        ByteBuffer message = bytes('a', 0, 'b', '\r', '\n', 0x7f, 0xff, 0xfe, 0xc3, '(', 0x1b, '[', '2', 'J');

        assertThat(Log.printable(message)).isEqualTo("a\\x00b\\x0d\\x0a\\x7f\uFFFD\uFFFD\uFFFD(\\x1b[2J");
        assertThat(message.position()).as("the message is left as it was").isZero();
    }

    @Test
    void printableTextIsLeftAlone() {
        assertThat(Log.printable(UTF_8.encode("héllo, wörld: 100%"))).isEqualTo("héllo, wörld: 100%");
    }

    @Test
    void c1ControlsAndLineSeparatorsBeyondAsciiAreEscapedToo() {
        ByteBuffer message = UTF_8.encode("a\u009b2Jb\u0085c\u2028d\u2029e");

        assertThat(Log.printable(message)).isEqualTo("a\\x9b2Jb\\x85c\\u2028d\\u2029e");
    }
}
