package chatbench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CodecTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static Codec.Message decode(String line) {
        byte[] b = bytes(line);
        return Codec.decode(b, 0, b.length);
    }

    private static String encode(int sender, long seq, long nanos, int size) {
        ByteBuffer out = ByteBuffer.allocate(Codec.MAX_SIZE);
        Codec.encode(out, sender, seq, nanos, size);
        return new String(out.array(), 0, out.position(), StandardCharsets.US_ASCII);
    }

    @Test
    void aMessageIsExactlyItsSizeAndEndsTheLine() {
        String line = encode(7, 42, 123_456_789L, 64);
        assertThat(line).hasSize(64).startsWith("@cb 7 42 123456789 ").endsWith(".\n");
        assertThat(line.indexOf('\n')).isEqualTo(63);
    }

    @Test
    void theLongestFieldsStillFitTheSmallestSize() {
        assertThat(encode(99_999, 9_999_999_999L, Long.MIN_VALUE + 1, Codec.MIN_SIZE)).hasSize(Codec.MIN_SIZE);
    }

    @Test
    void decodesWhatItEncodes() {
        String line = encode(3, 1000, 987_654_321_012L, 100);
        assertThat(decode(line.substring(0, line.length() - 1))).isEqualTo(new Codec.Message(3, 1000, 987_654_321_012L));
    }

    @Test
    void findsTheMessageBehindAServersPrefix() {
        String line = "127.0.0.1:51234: " + encode(12, 5, 55_000L, 64).strip();
        assertThat(decode(line)).isEqualTo(new Codec.Message(12, 5, 55_000L));
    }

    @Test
    void negativeNanoTimeSurvives() {
        assertThat(decode(encode(1, 0, -42, 64).strip())).isEqualTo(new Codec.Message(1, 0, -42));
    }

    @Test
    void linesThatAreNotOursDecodeToNull() {
        assertThat(decode("hello everyone")).isNull();
        assertThat(decode("@cb")).isNull();
        assertThat(decode("@cb 1 2")).isNull();                // cut short
        assertThat(decode("@cb 1 2 3")).isNull();              // no space after the time: cut short too
        assertThat(decode("@cb one 2 3 ....")).isNull();
        assertThat(decode("@cb 1 -2 3 ....")).isNull();        // a seq is never negative
        assertThat(decode("@cb 99999999999 2 3 ....")).isNull(); // no such sender id
    }

    @Test
    void recognisesTheGreeting() {
        byte[] welcome = bytes("Welcome to chatsrv, 127.0.0.1:40000");
        assertThat(Codec.isGreeting(welcome, 0, welcome.length)).isTrue();
        byte[] full = bytes("Server full, try again later");
        assertThat(Codec.isGreeting(full, 0, full.length)).isFalse();
        byte[] shortLine = bytes("Welc");
        assertThat(Codec.isGreeting(shortLine, 0, shortLine.length)).isFalse();
        byte[] inside = bytes("xxWelcome");
        assertThat(Codec.isGreeting(inside, 2, inside.length)).isTrue();
        assertThat(Codec.isGreeting(inside, 0, inside.length)).isFalse();
    }

    /** Feeds {@code stream} to a Lines in pieces cut at the given points; returns the lines it saw. */
    private static List<String> split(Codec.Lines lines, byte[] stream, int... cuts) {
        List<String> seen = new ArrayList<>();
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : stream.length;
            lines.feed(stream, from, to - from,
                    (b, start, end) -> seen.add(new String(b, start, end - start, StandardCharsets.US_ASCII)));
            from = to;
        }
        return seen;
    }

    @Test
    void manyLinesInOneRead() {
        assertThat(split(new Codec.Lines(), bytes("Welcome\none\ntwo\n"))).containsExactly("Welcome", "one", "two");
    }

    @Test
    void anIncompleteLineWaitsForTheNextRead() {
        Codec.Lines lines = new Codec.Lines();
        assertThat(split(lines, bytes("tes"))).isEmpty();
        assertThat(split(lines, bytes("t1\ntest2\ntest3\n"))).containsExactly("test1", "test2", "test3");
    }

    @Test
    void everyWayOfCuttingTheStreamGivesTheSameLines() {
        byte[] stream = bytes("Welcome\n" + encode(1, 0, 5, 64) + "127.0.0.1:1: " + encode(2, 9, 6, 48) + "\n");
        List<String> whole = split(new Codec.Lines(), stream);
        assertThat(whole).hasSize(4);
        for (int a = 0; a <= stream.length; a++) {
            for (int b = a; b <= stream.length; b++) {
                assertThat(split(new Codec.Lines(), stream, a, b)).as("cut at %d and %d", a, b).isEqualTo(whole);
            }
        }
    }

    @Test
    void aLineFarTooLongIsSkippedAndCounted() {
        Codec.Lines lines = new Codec.Lines();
        byte[] junk = bytes("x".repeat(3000));
        assertThat(split(lines, junk)).isEmpty();
        assertThat(split(lines, junk)).isEmpty();              // 6000 bytes and no newline yet
        assertThat(split(lines, bytes("x\nnext\n"))).containsExactly("next");
        assertThat(lines.tooLongLines).isEqualTo(1);
    }
}
