package chatbench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What the bench writes on the wire, and how it finds its messages again in what the server
 * delivers.
 *
 * <p>A message is one line: {@code @cb <sender> <seq> <nanos> ....\n}, padded with dots to the
 * scenario's size (the size counts the newline). The nanos are a {@link System#nanoTime()} value:
 * comparable only inside this JVM, which is fine, because the bench both sends and receives.
 * Every field has a fixed width, with zeros in front, and the nanos a sign:
 * {@code @cb 00000007 000000000042 +0000001234567890123 ....}. Then the decoder knows where each
 * field is instead of searching for the spaces, and a line is `size` bytes whatever its numbers.
 *
 * <p>A server may put something in front of a line it delivers (step08 adds the sender's
 * address, {@code 127.0.0.1:51234: }), so the decoder looks for the marker anywhere in the line
 * instead of at its start.
 *
 * <p>The fanout scenario receives millions of lines a second, and the server it measures runs
 * on the same two cores: every nanosecond the bench spends on a line is taken from the server.
 * So decoding works on the bytes as read, makes no object, and reads them eight at a time.
 */
final class Codec {
    private Codec() {}

    /** Marks a line as one of ours. */
    static final byte[] MARKER = "@cb ".getBytes(StandardCharsets.US_ASCII);
    static final int SENDER_DIGITS = 8;
    static final int SEQ_DIGITS = 12;
    /** After the sign: enough for any long. */
    static final int NANOS_DIGITS = 19;
    /** Where each field starts, counted from the marker's '@'. */
    private static final int SENDER_AT = MARKER.length;
    private static final int SEQ_AT = SENDER_AT + SENDER_DIGITS + 1;
    private static final int SIGN_AT = SEQ_AT + SEQ_DIGITS + 1;
    private static final int TIME_WIDTH = 1 + NANOS_DIGITS;
    /** The marker and the three fields: 46 bytes. */
    static final int HEAD = SIGN_AT + TIME_WIDTH;
    /** The head, a space and the newline. */
    static final int MIN_SIZE = HEAD + 2;
    /** The protocol's limit for a line a client sends. */
    static final int MAX_SIZE = 1024;
    static final int MAX_SENDER = 99_999_999;
    /** A million lines a second for eleven days: more than any run sends. */
    static final long MAX_SEQ = 999_999_999_999L;
    /** Sender id 0 is the probe line that tells a broadcast server from an echo server. */
    static final int PROBE = 0;

    private static final byte[] WELCOME = "Welcome".getBytes(StandardCharsets.US_ASCII);
    /** Eight bytes of a byte[] read as one long; the first byte is the lowest. */
    private static final VarHandle EIGHT_BYTES = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;    // 1 in every byte
    private static final long HIGH_BITS = 0x8080808080808080L;

    /**
     * A decoded message. The caller owns one and {@link #decode} fills it in, line after line:
     * an object per line would be millions of objects a second for the garbage collector.
     */
    static final class Message {
        int sender;
        long seq;
        long sentNanos;
        /**
         * The text that sentNanos was decoded from, its sign and digits, as three longs (bytes 0
         * to 7, 8 to 15, 12 to 19): quicker to compare than as an array.
         */
        private long time0, time1, time2;
    }

    /** Appends one message line of exactly {@code size} bytes to {@code out}. */
    static void encode(ByteBuffer out, int sender, long seq, long sentNanos, int size) {
        if (sender < 0 || sender > MAX_SENDER || seq < 0 || seq > MAX_SEQ) {
            throw new IllegalArgumentException("sender " + sender + " or seq " + seq + " does not fit its field");
        }
        out.put(MARKER);
        digits(out, sender, SENDER_DIGITS);
        out.put((byte) ' ');
        digits(out, seq, SEQ_DIGITS);
        out.put((byte) ' ');
        out.put((byte) (sentNanos < 0 ? '-' : '+'));
        digits(out, sentNanos, NANOS_DIGITS);
        out.put((byte) ' ');
        for (int i = HEAD + 1; i < size - 1; i++) {
            out.put((byte) '.');
        }
        out.put((byte) '\n');
    }

    /** Writes the magnitude of {@code value} as exactly {@code n} digits, zeros in front. */
    private static void digits(ByteBuffer out, long value, int n) {
        int start = out.position();
        for (int i = start + n - 1; i >= start; i--) {
            // abs of the last digit, not of the value: Long.MIN_VALUE has no positive counterpart
            out.put(i, (byte) ('0' + Math.abs(value % 10)));
            value /= 10;
        }
        out.position(start + n);
    }

    /**
     * Finds the message in {@code b[from, to)} (one line, without its newline), wherever in the
     * line it starts, and puts its fields into {@code m}; false if the line holds none (another
     * client's chatter, a server notice). {@code size} is the size the bench's lines have.
     */
    static boolean decode(byte[] b, int from, int to, int size, Message m) {
        // A server adds its text in front of a line, so a message usually ends the line: look
        // there first, before searching.
        int last = to - (size - 1);
        if (last >= from && last <= to - HEAD && b[last] == '@' && fields(b, last, m)) {
            return true;
        }
        // '@' is rare in what a server puts in front (step08: "127.0.0.1:51234: "): look for
        // that one byte, and check the rest only where it is.
        for (int at = indexOf(b, from, to - HEAD + 1, (byte) '@'); at >= 0;
                at = indexOf(b, at + 1, to - HEAD + 1, (byte) '@')) {
            if (fields(b, at, m)) {
                return true;
            }
        }
        return false;
    }

    /** The message whose marker is at {@code b[at]}, if that is one; {@code b[at, at + HEAD)} exists. */
    private static boolean fields(byte[] b, int at, Message m) {
        if (b[at + 1] != MARKER[1] || b[at + 2] != MARKER[2] || b[at + 3] != MARKER[3]
                || b[at + SEQ_AT - 1] != ' ' || b[at + SIGN_AT - 1] != ' ') {
            return false;
        }
        long sender = number(b, at + SENDER_AT, SENDER_DIGITS);
        long seq = number(b, at + SEQ_AT, SEQ_DIGITS);
        if (sender < 0 || seq < 0) {
            return false;
        }
        // Lines sent together carry the same time, and in fanout a hundred receivers read the
        // same lines in turn: the time is mostly the same text as in the line decoded just
        // before, whose value m still holds.
        int time = at + SIGN_AT;
        long time0 = (long) EIGHT_BYTES.get(b, time);
        long time1 = (long) EIGHT_BYTES.get(b, time + 8);
        long time2 = (long) EIGHT_BYTES.get(b, time + TIME_WIDTH - 8);
        if (time0 != m.time0 || time1 != m.time1 || time2 != m.time2) {
            byte sign = b[time];
            long nanos = number(b, time + 1, NANOS_DIGITS);
            if (nanos == -1 || (sign != '+' && sign != '-')) {
                return false;
            }
            m.sentNanos = sign == '-' ? -nanos : nanos;
            m.time0 = time0;
            m.time1 = time1;
            m.time2 = time2;
        }
        m.sender = (int) sender;
        m.seq = seq;
        return true;
    }

    /**
     * The {@code n} digits at {@code b[at]} as a number, or -1 if one of them is not a digit.
     *
     * <p>Digit by digit, each step would wait for the one before (value * 10 + d); instead the
     * digits go in groups of eight, read as one long and converted at once ({@link #eightDigits}),
     * the first group short when n is not a multiple of eight. For a short group the long starts
     * up to seven bytes before the number (the marker or a field before it, so never before the
     * array) and those bytes are taken as zeros.
     *
     * <p>(19 digits may wrap past Long.MAX_VALUE, as the magnitude of Long.MIN_VALUE does and
     * negating it undoes, but never to -1.)
     */
    private static long number(byte[] b, int at, int n) {
        int first = (n - 1) % 8 + 1;                    // 1 to 8 digits in the first group
        long keep = -1L << 8 * (8 - first);              // the bytes of the long that are digits
        long x = (long) EIGHT_BYTES.get(b, at + first - 8) & keep | '0' * ONES & ~keep;
        long notDigits = notDigits(x);
        long value = eightDigits(x);
        for (int group = 1; group <= (n - 1) / 8; group++) {
            x = (long) EIGHT_BYTES.get(b, at + first + 8 * (group - 1));
            notDigits |= notDigits(x);
            value = value * 100_000_000 + eightDigits(x);
        }
        return notDigits != 0 ? -1 : value;               // one test at the end, not one per group
    }

    /** Zero if all eight bytes of {@code x} are digits '0' to '9'. */
    private static long notDigits(long x) {
        x -= '0' * ONES;                                 // a digit is now 0 to 9 in its byte
        // A byte below '0' went negative (its high bit is set), one above '9' gets it from + 0x76.
        return (x | (x + 0x76 * ONES)) & HIGH_BITS;
    }

    /**
     * The eight digits in {@code x} (the first in the lowest byte) as a number: three steps that
     * each combine neighbours in every byte at once, into pairs, then fours, then all eight.
     */
    private static long eightDigits(long x) {
        x -= '0' * ONES;
        x = (x * 10 + (x >>> 8)) & 0x00FF00FF00FF00FFL;
        x = (x * 100 + (x >>> 16)) & 0x0000FFFF0000FFFFL;
        return (x * 10_000 + (x >>> 32)) & 0xFFFFFFFFL;
    }

    /**
     * Where the first {@code what} is in {@code b[from, to)}, or -1. Eight bytes at a time,
     * because every byte the bench receives goes through here (newlines) at least once.
     */
    static int indexOf(byte[] b, int from, int to, byte what) {
        int i = from;
        for (; i <= to - 8; i += 8) {
            long x = (long) EIGHT_BYTES.get(b, i) ^ (what & 0xFF) * ONES;   // 0 in the bytes that match
            // The high bit of each zero byte (Hacker's Delight, 6-1). A borrow may also mark a
            // byte after the first match, never one before it, and the lowest mark is all we need.
            long zeros = (x - ONES) & ~x & HIGH_BITS;
            if (zeros != 0) {
                return i + Long.numberOfTrailingZeros(zeros) / 8;
            }
        }
        for (; i < to; i++) {
            if (b[i] == what) {
                return i;
            }
        }
        return -1;
    }

    /** The server's first line to every client starts with "Welcome". */
    static boolean isGreeting(byte[] b, int from, int to) {
        return to - from >= WELCOME.length
                && Arrays.equals(b, from, from + WELCOME.length, WELCOME, 0, WELCOME.length);
    }

    /**
     * Cuts one connection's byte stream into lines. TCP delivers bytes, not lines: one read may
     * end in the middle of a line, so the incomplete tail is kept until the next read completes it.
     */
    static final class Lines {
        interface Handler {
            /** One complete line in {@code b[from, to)}, without its newline; valid only during the call. */
            void line(byte[] b, int from, int to);
        }

        /** A delivered line is at most 1024 bytes plus the server's prefix; anything far longer is broken. */
        static final int MAX_LINE = 4 * MAX_SIZE;

        private byte[] partial;         // made on first need: most of 10,000 idle connections never need one
        private int partialLength;
        private boolean tooLong;        // the line in progress outgrew MAX_LINE and is being skipped
        long tooLongLines;

        void feed(byte[] data, int offset, int length, Handler handler) {
            int start = offset;
            int end = offset + length;
            int i;
            while ((i = indexOf(data, start, end, (byte) '\n')) >= 0) {
                if (partialLength == 0 && !tooLong) {
                    handler.line(data, start, i);                // the common case: no copy
                } else {
                    keep(data, start, i);
                    if (tooLong) {
                        tooLongLines++;
                    } else {
                        handler.line(partial, 0, partialLength);
                    }
                    partialLength = 0;
                    tooLong = false;
                }
                start = i + 1;
            }
            keep(data, start, end);
        }

        private void keep(byte[] data, int from, int to) {
            int n = to - from;
            if (n == 0) {
                return;
            }
            if (tooLong || partialLength + n > MAX_LINE) {
                tooLong = true;
                partialLength = 0;
                return;
            }
            if (partial == null) {
                partial = new byte[MAX_LINE];
            }
            System.arraycopy(data, from, partial, partialLength, n);
            partialLength += n;
        }
    }
}
