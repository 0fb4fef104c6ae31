package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** TCP carries bytes, not lines: the server must find the messages in whatever pieces arrive. */
class FramingTest extends ServerTest {
    private static final Pattern MESSAGE = Pattern.compile("message from \\S+: (.*)");

    /** The text of every message the server logged so far, in order. */
    private List<String> messages() {
        return server.lines().stream().map(MESSAGE::matcher).filter(Matcher::find).map(m -> m.group(1)).toList();
    }

    private List<String> awaitMessages(int n) {
        return await().atMost(Duration.ofSeconds(5)).until(this::messages, m -> m.size() >= n);
    }

    @Test
    void aLineSentOneByteAtATimeIsOneWholeMessage() throws Exception {
        try (Client c = Client.connect(port)) {
            for (byte b : "one byte at a time\n".getBytes()) {
                c.send(new byte[] {b});
            }

            assertThat(awaitMessages(1)).containsExactly("one byte at a time");
        }
    }

    @Test
    void manyLinesInOneWriteAreAllReadInOrder() throws Exception {
        List<String> lines = IntStream.range(0, 500).mapToObj(i -> "line " + i).toList();
        try (Client c = Client.connect(port)) {
            c.send(String.join("\n", lines) + "\n");

            assertThat(awaitMessages(500)).containsExactlyElementsOf(lines);
        }
    }

    @Test
    void aLongLineIsCutIntoMessagesOf1024Bytes() throws Exception {
        try (Client c = Client.connect(port)) {
            c.send("a".repeat(1024) + "b".repeat(1024) + "c".repeat(952) + "\n");

            assertThat(awaitMessages(3)).containsExactly("a".repeat(1024), "b".repeat(1024), "c".repeat(952));
        }
    }

    @Test
    void aLineOfExactly1024BytesIsOneMessage() throws Exception {
        try (Client c = Client.connect(port)) {
            c.send("x".repeat(1024) + "\nnext\n");

            // not a 1024-byte piece followed by an empty message
            assertThat(awaitMessages(2)).containsExactly("x".repeat(1024), "next");
        }
    }

    @Test
    void crlfEndsALineAndACarriageReturnElsewhereIsData() throws Exception {
        try (Client c = Client.connect(port)) {
            c.send("from telnet\r\nmid\rline\n\r\nlast\n");

            // the log shows a '\r' that is data as \x0d (see LogTest)
            assertThat(awaitMessages(4)).containsExactly("from telnet", "mid\\x0dline", "", "last");
        }
    }

    @Test
    void linesOf1023And1024And1025BytesEndedByCrlf() throws Exception {
        try (Client c = Client.connect(port)) {
            c.send("a".repeat(1023) + "\r\n" + "b".repeat(1024) + "\r\n" + "c".repeat(1025) + "\r\n" + "next\r\n");

            // 1024 bytes and "\r\n" are one message, not a 1024-byte piece and then an empty one
            assertThat(awaitMessages(5)).containsExactly("a".repeat(1023), "b".repeat(1024), "c".repeat(1024), "c", "next");
        }
    }

    @Test
    void aCarriageReturnRightAfter1024BytesWaitsForTheNextReadToSayWhatItIs() throws Exception {
        try (Client c = Client.connect(port)) {
            c.send("x".repeat(1024) + "\r");
            // Nothing yet: the '\r' may be the start of the line's "\r\n".
            await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(() -> messages().isEmpty());

            c.send("\n" + "y".repeat(1024) + "\r");
            assertThat(awaitMessages(1)).containsExactly("x".repeat(1024));

            // this time it is not: the '\r' starts the next message
            c.send("z\n");
            assertThat(awaitMessages(3)).containsExactly("x".repeat(1024), "y".repeat(1024), "\\x0dz");
        }
    }
}
