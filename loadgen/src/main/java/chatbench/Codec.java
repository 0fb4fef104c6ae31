package chatbench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What the bench writes on the wire, and how it finds its messages again in what the server
 * delivers.
 *
 * <p>A message is one line: {@code @cb <sender> <seq> <nanos> ....\n}, padded with dots to the
 * scenario's size (the size counts the newline). The nanos are a {@link System#nanoTime()} value:
 * comparable only inside this JVM, which is fine, because the bench both sends and receives.
 *
 * <p>A server may put something in front of a line it delivers (step08 adds the sender's
 * address, {@code 127.0.0.1:51234: }), so the decoder looks for the marker anywhere in the line
 * instead of at its start. Decoding works on the bytes as read, without making a String: the
 * fanout scenario decodes a million lines a second.
 */
final class Codec {
    private Codec() {}

    /** Marks a line as one of ours. */
    static final byte[] MARKER = "@cb ".getBytes(StandardCharsets.US_ASCII);
    /** Enough for the marker and the three numbers at their longest, so every line is exactly `size` bytes. */
    static final int MIN_SIZE = 48;
    /** The protocol's limit for a line a client sends. */
    static final int MAX_SIZE = 1024;
    /** Sender id 0 is the probe line that tells a broadcast server from an echo server. */
    static final int PROBE = 0;

    private static final byte[] WELCOME = "Welcome".getBytes(StandardCharsets.US_ASCII);

    record Message(int sender, long seq, long sentNanos) {}

    /** Appends one message line of exactly {@code size} bytes to {@code out}. */
    static void encode(ByteBuffer out, int sender, long seq, long sentNanos, int size) {
        byte[] head = (new String(MARKER, StandardCharsets.US_ASCII) + sender + " " + seq + " " + sentNanos + " ")
                .getBytes(StandardCharsets.US_ASCII);
        out.put(head);
        for (int i = head.length; i < size - 1; i++) {
            out.put((byte) '.');
        }
        out.put((byte) '\n');
    }

    /**
     * The message in {@code b[from, to)} (one line, without its newline), wherever in the line
     * it starts; null if the line holds none (another client's chatter, a server notice).
     */
    static Message decode(byte[] b, int from, int to) {
        int at = indexOf(b, from, to, MARKER);
        if (at < 0) {
            return null;
        }
        long[] field = new long[3];
        int p = at + MARKER.length;
        for (int i = 0; i < field.length; i++) {
            boolean negative = p < to && b[p] == '-';   // nanoTime may be negative, in theory
            if (negative) {
                p++;
            }
            int digits = p;
            long value = 0;
            while (p < to && p - digits < 19 && b[p] >= '0' && b[p] <= '9') {
                value = value * 10 + (b[p++] - '0');
            }
            if (p == digits || p >= to || b[p] != ' ') {
                return null;                             // cut short or not ours after all
            }
            field[i] = negative ? -value : value;
            p++;
        }
        if (field[0] < 0 || field[0] > Integer.MAX_VALUE || field[1] < 0) {
            return null;
        }
        return new Message((int) field[0], field[1], field[2]);
    }

    /** The server's first line to every client starts with "Welcome". */
    static boolean isGreeting(byte[] b, int from, int to) {
        return to - from >= WELCOME.length && indexOf(b, from, from + WELCOME.length, WELCOME) == from;
    }

    static int indexOf(byte[] b, int from, int to, byte[] what) {
        outer:
        for (int i = from; i <= to - what.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (b[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
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
            for (int i = offset; i < end; i++) {
                if (data[i] != '\n') {
                    continue;
                }
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
