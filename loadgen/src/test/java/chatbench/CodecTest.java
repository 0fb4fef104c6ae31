package chatbench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CodecTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** What decode found, as a string to compare: "sender seq nanos", or null for nothing. */
    private static String decode(String line, int size) {
        byte[] b = bytes(line);
        Codec.Message m = new Codec.Message();
        return Codec.decode(b, 0, b.length, size, m) ? m.sender + " " + m.seq + " " + m.sentNanos : null;
    }

    private static String decode(String line) {
        return decode(line, 64);
    }

    private static String encode(int sender, long seq, long nanos, int size) {
        ByteBuffer out = ByteBuffer.allocate(Codec.MAX_SIZE);
        Codec.encode(out, sender, seq, nanos, size);
        return new String(out.array(), 0, out.position(), StandardCharsets.US_ASCII);
    }

    /** A line as delivered, without its newline. */
    private static String line(int sender, long seq, long nanos, int size) {
        return encode(sender, seq, nanos, size).strip();
    }

    @Test
    void aMessageIsExactlyItsSizeAndEndsTheLine() {
        String line = encode(7, 42, 123_456_789L, 64);
        assertThat(line).hasSize(64).isEqualTo("@cb 00000007 000000000042 +0000000000123456789 ................\n");
        assertThat(line.indexOf('\n')).isEqualTo(63);
    }

    @Test
    void theLongestFieldsStillFitTheSmallestSize() {
        assertThat(encode(Codec.MAX_SENDER, Codec.MAX_SEQ, Long.MIN_VALUE, Codec.MIN_SIZE))
                .hasSize(Codec.MIN_SIZE).isEqualTo("@cb 99999999 999999999999 -9223372036854775808 \n");
        assertThat(Codec.MIN_SIZE).isEqualTo(48);
    }

    @Test
    void numbersTooLongForTheirFieldAreRefused() {
        assertThatThrownBy(() -> encode(Codec.MAX_SENDER + 1, 0, 0, 64)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> encode(1, Codec.MAX_SEQ + 1, 0, 64)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> encode(-1, 0, 0, 64)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void decodesWhatItEncodes() {
        long[] times = {0, 1, -1, 42, -42, 987_654_321_012L, 12_345_678_901_234_567L, Long.MAX_VALUE,
            Long.MIN_VALUE, Long.MIN_VALUE + 1, System.nanoTime()};
        for (int size : new int[] {Codec.MIN_SIZE, 64, 100, Codec.MAX_SIZE}) {
            for (long nanos : times) {
                for (long seq : new long[] {0, 7, 12_345_678, 99_999_999, 100_000_000, 123_456_789_012L, Codec.MAX_SEQ}) {
                    int sender = (int) (seq % 100_000_000);
                    assertThat(decode(line(sender, seq, nanos, size), size)).as("size %d", size)
                            .isEqualTo(sender + " " + seq + " " + nanos);
                }
            }
        }
    }

    @Test
    void findsTheMessageBehindAServersPrefix() {
        assertThat(decode("127.0.0.1:51234: " + line(12, 5, 55_000L, 64))).isEqualTo("12 5 55000");
        assertThat(decode("[::1]:51234: " + line(12, 5, 55_000L, 64))).isEqualTo("12 5 55000");
        assertThat(decode("mail@example.org: " + line(12, 5, 55_000L, 64))).isEqualTo("12 5 55000");  // an '@' before ours
    }

    @Test
    void findsTheMessageWhereverItIsNotJustAtTheEnd() {
        // Lines of another size than expected, or a server that adds something after the line.
        assertThat(decode("127.0.0.1:1: " + line(3, 9, -5, 100), 64)).isEqualTo("3 9 -5");
        assertThat(decode("127.0.0.1:1: " + line(3, 9, -5, 64) + " (42 bytes)", 64)).isEqualTo("3 9 -5");
        assertThat(decode(line(3, 9, -5, 48), 1024)).isEqualTo("3 9 -5");
        assertThat(decode(line(3, 9, -5, 48), 48)).isEqualTo("3 9 -5");          // its last space stripped
    }

    @Test
    void aTimeLikeTheLineBeforesIsStillReadRight() {
        Codec.Message m = new Codec.Message();
        String[] lines = {line(1, 0, 500, 64), line(2, 1, 500, 64), line(1, 2, 600, 64), line(1, 3, -600, 64),
            line(1, 4, 500, 64), line(1, 5, 500, 64)};
        long[] times = {500, 500, 600, -600, 500, 500};
        for (int i = 0; i < lines.length; i++) {
            byte[] b = bytes(lines[i]);
            assertThat(Codec.decode(b, 0, b.length, 64, m)).isTrue();
            assertThat(m.seq).isEqualTo(i);
            assertThat(m.sentNanos).as("line %d", i).isEqualTo(times[i]);
        }
        byte[] broken = bytes(lines[5].replace("+0000000000000000500", "+00000000000000005x0"));
        assertThat(Codec.decode(broken, 0, broken.length, 64, m)).isFalse();
        byte[] next = bytes(line(1, 6, 700, 64));
        assertThat(Codec.decode(next, 0, next.length, 64, m)).isTrue();
        assertThat(m.sentNanos).isEqualTo(700);
    }

    @Test
    void linesThatAreNotOursDecodeToNull() {
        assertThat(decode("hello everyone")).isNull();
        assertThat(decode("@cb")).isNull();
        assertThat(decode("@cb 1 2 3 ....")).isNull();                               // not fixed width
        assertThat(decode(line(1, 2, 3, 64).substring(0, Codec.HEAD - 1))).isNull();   // cut short
        assertThat(decode(line(1, 2, 3, 64).replace("@cb", "@cc"))).isNull();
        assertThat(decode(line(1, 2, 3, 64).replace("+", "*"))).isNull();
        assertThat(decode(line(1, 2, 3, 64).replace(" 000000000002 ", ".000000000002 "))).isNull();
    }

    /**
     * Every digit of every field, replaced by every byte that is not a digit, fails the line;
     * the bytes just below '0' and just above '9', and the ones with the high bit set, are where
     * reading eight digits at once could go wrong.
     */
    @Test
    void aSingleNonDigitAnywhereInAFieldFailsTheLine() {
        String prefix = "127.0.0.1:51234: ";
        byte[] good = bytes(prefix + line(12_345_678, 123_456_789_012L, -1_234_567_890_123_456_789L, 64));
        int at = prefix.length();
        Codec.Message m = new Codec.Message();
        assertThat(Codec.decode(good, 0, good.length, 64, m)).isTrue();
        for (int i = at + Codec.MARKER.length; i < at + Codec.HEAD; i++) {
            if (good[i] < '0' || good[i] > '9') {
                continue;                                                          // a space or the sign
            }
            for (int v = -128; v < 128; v++) {
                if (v >= '0' && v <= '9') {
                    continue;
                }
                byte[] bad = good.clone();
                bad[i] = (byte) v;
                assertThat(Codec.decode(bad, 0, bad.length, 64, m)).as("byte %d at %d", v, i - at).isFalse();
            }
        }
    }

    @Test
    void indexOfFindsTheFirstOneAtEveryOffset() {
        Random random = new Random(1);
        for (int round = 0; round < 2000; round++) {
            byte[] b = new byte[random.nextInt(40)];
            for (int i = 0; i < b.length; i++) {
                // mostly bytes one bit away from '\n' (0x0A), the neighbours that fool a careless search
                int[] near = {0x0B, 0x09, 0x08, 0x0E, 0x8A, 0x4A, 0x1A, 0x00, 0x2E, 0xFF};
                b[i] = (byte) (random.nextInt(30) == 0 ? '\n' : near[random.nextInt(near.length)]);
            }
            int from = b.length == 0 ? 0 : random.nextInt(b.length);
            int to = from + random.nextInt(b.length - from + 1);
            int expected = -1;
            for (int i = from; i < to && expected < 0; i++) {
                if (b[i] == '\n') {
                    expected = i;
                }
            }
            assertThat(Codec.indexOf(b, from, to, (byte) '\n')).as("%s [%d, %d)", Arrays.toString(b), from, to)
                    .isEqualTo(expected);
        }
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
