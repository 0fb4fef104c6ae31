package chatsrv;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;

/**
 * One line as it goes out (or several, one after the other): bytes [from, to) of
 * {@code bytes}, which may hold other lines too (see Arena) and may be in many connections'
 * queues at once, so nobody changes them once they are written. Made on a worker's thread
 * (or, for the fixed lines, by whoever loads Chat), sent on the event loop's.
 */
record Line(ByteBuffer bytes, int from, int to) {
    /** A line of fixed text, such as the greeting: encoded once, sent to everyone. */
    static Line of(String text) {
        byte[] encoded = (text + "\n").getBytes(UTF_8);
        return new Line(ByteBuffer.allocateDirect(encoded.length).put(encoded), 0, encoded.length);
    }

    /** This line and {@code next} as one, when next's bytes come right after these, as the Arena appends them; else null. */
    Line followedBy(Line next) {
        return next.bytes == bytes && next.from == to ? new Line(bytes, from, next.to) : null;
    }
}
