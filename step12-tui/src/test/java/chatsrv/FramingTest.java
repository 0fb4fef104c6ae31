package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * TCP carries bytes, not lines: the server must find the lines in whatever pieces arrive. A
 * line is at most 1024 bytes, not counting its "\n" or "\r\n"; a longer one is refused whole,
 * with one ERR, and none of it is taken as a command (Part I cut it into messages instead).
 */
class FramingTest extends ServerTest {
    private static final Pattern MESSAGE = Pattern.compile("message from \\S+: (.*)");
    private static final String TOO_LONG = "ERR MSG too-long the line is longer than 1024 bytes";

    /** The text of every line the server logged as taken so far, in order. */
    private List<String> messages() {
        return server.lines().stream().map(MESSAGE::matcher).filter(Matcher::find).map(m -> m.group(1)).toList();
    }

    private List<String> awaitMessages(int n) {
        return await().atMost(Duration.ofSeconds(5)).until(this::messages, m -> m.size() >= n);
    }

    /** "MSG * " and then {@code c} up to {@code length} bytes in all. */
    private static String msg(char c, int length) {
        return "MSG * " + String.valueOf(c).repeat(length - 6);
    }

    @Test
    void aLineSentOneByteAtATimeIsOneWholeLine() throws Exception {
        try (Client alice = Client.registered(port, "alice")) {
            for (byte b : "MSG * one byte at a time\n".getBytes()) {
                alice.send(new byte[] {b});
            }

            alice.expect("FROM alice * one byte at a time");
            assertThat(awaitMessages(1)).containsExactly("MSG * one byte at a time");
        }
    }

    @Test
    void manyLinesInOneWriteAreAllReadInOrder() throws Exception {
        List<String> lines = IntStream.range(0, 500).mapToObj(i -> "MSG * line " + i).toList();
        try (Client alice = Client.registered(port, "alice")) {
            alice.send(String.join("\n", lines) + "\n");

            for (int i = 0; i < 500; i++) {
                alice.expect("FROM alice * line " + i);
            }
            assertThat(awaitMessages(500)).containsExactlyElementsOf(lines);
        }
    }

    @Test
    void aLineOfExactly1024BytesIsTaken() throws Exception {
        try (Client alice = Client.registered(port, "alice")) {
            alice.send(msg('x', 1024) + "\nPING next\n");

            // not refused, nor cut into a 1024-byte line and an empty one
            alice.expect("FROM alice * " + "x".repeat(1018));
            alice.expect("PONG next");
            assertThat(awaitMessages(2)).containsExactly(msg('x', 1024), "PING next");
        }
    }

    @Test
    void aLineOf1025BytesGetsOneErrAndTheNextLineIsAnsweredNormally() throws Exception {
        try (Client alice = Client.registered(port, "alice"); Client bob = Client.registered(port, "bob")) {
            alice.send(msg('x', 1025) + "\nPING next\n");

            alice.expect(TOO_LONG);
            alice.expect("PONG next");
            assertThat(awaitMessages(1)).containsExactly("PING next");
            assertThat(server.count(alice.address() + ": a line longer than 1024 bytes, refused")).isEqualTo(1);
            // nothing of it reached anyone
            bob.send("PING bob\n").expect("PONG bob");
        }
    }

    @Test
    void aOneMegabyteLineGetsOneErrAndNothingElse() throws Exception {
        try (Client alice = Client.registered(port, "alice")) {
            // Every 1024-byte piece of it is a MSG * of its own, were the line cut.
            alice.send(msg('m', 1024).repeat(1024) + "\nPING after\n");

            alice.expect(TOO_LONG);
            alice.expect("PONG after");
            assertThat(awaitMessages(1)).containsExactly("PING after");
            assertThat(server.count("a line longer than 1024 bytes, refused")).isEqualTo(1);
        }
    }

    @Test
    void crlfEndsALineAndACarriageReturnElsewhereIsData() throws Exception {
        try (Client alice = Client.registered(port, "alice")) {
            alice.send("PING from-telnet\r\nMSG * mid\rline\n\r\nPING last\n");

            alice.expect("PONG from-telnet");
            alice.expect("FROM alice * mid\rline");
            alice.expect("PONG last"); // "\r\n" alone is an empty line: no answer
            // the log shows a '\r' that is data as \x0d (see LogTest)
            assertThat(awaitMessages(3)).containsExactly("PING from-telnet", "MSG * mid\\x0dline", "PING last");
        }
    }

    @Test
    void linesOf1023And1024And1025BytesEndedByCrlf() throws Exception {
        try (Client alice = Client.registered(port, "alice")) {
            alice.send(msg('a', 1023) + "\r\n" + msg('b', 1024) + "\r\n" + msg('c', 1025) + "\r\n" + "PING next\r\n");

            // 1024 bytes and "\r\n" are one line, not a line too long
            alice.expect("FROM alice * " + "a".repeat(1017));
            alice.expect("FROM alice * " + "b".repeat(1018));
            alice.expect(TOO_LONG);
            alice.expect("PONG next");
            assertThat(awaitMessages(3)).containsExactly(msg('a', 1023), msg('b', 1024), "PING next");
        }
    }

    @Test
    void aCarriageReturnRightAfter1024BytesWaitsForTheNextReadToSayWhatItIs() throws Exception {
        try (Client alice = Client.registered(port, "alice")) {
            alice.send(msg('x', 1024) + "\r");
            // Nothing yet: the '\r' may be the start of the line's "\r\n".
            await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(() -> messages().isEmpty());

            alice.send("\n" + msg('y', 1024) + "\r");
            alice.expect("FROM alice * " + "x".repeat(1018));
            assertThat(awaitMessages(1)).containsExactly(msg('x', 1024));

            // this time it is not: the '\r' is the line's 1025th byte, and the line too long
            alice.send("z\nPING next\n");
            alice.expect(TOO_LONG);
            alice.expect("PONG next");
            assertThat(awaitMessages(2)).containsExactly(msg('x', 1024), "PING next");
        }
    }
}
