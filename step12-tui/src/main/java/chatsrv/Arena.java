package chatsrv;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;

/**
 * Where outgoing lines are encoded, once each, one after the other, into a big direct buffer.
 * Each worker has one of its own, and the loop two (the pool's, for --threads 0, and the
 * Chat's, for what onClose tells the others): only its owner appends, so it needs no lock.
 * The loop reads the bytes of a line only after the worker has handed the line over, and the
 * worker never writes those bytes again.
 *
 * <p>Direct, because the JDK copies a heap buffer into a temporary direct one on every
 * write(2), to every recipient. One buffer for many lines, because allocating a direct buffer
 * per line is slow. One after the other, so that a recipient's queue covers a whole pass's
 * lines with one view (Connection.send). When the buffer is full, a new one takes over; the
 * old one's memory comes back once no queue looks at it and the garbage collector has noticed.
 */
final class Arena {
    private static final int SIZE = 64 * 1024;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private ByteBuffer buffer = ByteBuffer.allocateDirect(SIZE);

    /** Appends a line of text the server writes (a reply), and '\n'. */
    Line text(String text) {
        return append(text.getBytes(UTF_8), EMPTY);
    }

    /** Appends {@code prefix}, the message and '\n', and returns them as one line. */
    Line append(byte[] prefix, ByteBuffer message) {
        if (buffer.remaining() < prefix.length + message.remaining() + 1) {
            buffer = ByteBuffer.allocateDirect(SIZE);
        }
        int from = buffer.position();
        buffer.put(prefix).put(message).put((byte) '\n');
        return new Line(buffer, from, buffer.position());
    }
}
