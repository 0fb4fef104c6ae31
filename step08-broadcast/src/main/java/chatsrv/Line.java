package chatsrv;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;

/**
 * One line as it goes out: bytes [from, to) of {@code bytes}, which may hold other lines too
 * (see Arena) and may be in many connections' queues at once, so nobody ever changes them.
 * Made and sent on the event loop's thread.
 */
record Line(ByteBuffer bytes, int from, int to) {
    /** A line of fixed text, such as the greeting: encoded once, sent to everyone. */
    static Line of(String text) {
        byte[] encoded = (text + "\n").getBytes(UTF_8);
        return new Line(ByteBuffer.allocateDirect(encoded.length).put(encoded), 0, encoded.length);
    }
}
