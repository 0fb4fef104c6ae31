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
    private static final Pattern MESSAGE = Pattern.compile("message from \\S+ \\(fd -?\\d+\\): (.*)");

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
}
