package chatsrv;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BiConsumer;

/**
 * One client: its socket, its key in the selector, the bytes of a line that has not fully
 * arrived yet, and the bytes waiting to be sent. TCP delivers a stream of bytes, not
 * messages: one read may bring half a line, or many lines, or the end of one and the start of
 * the next. This class cuts the stream into messages at '\n'. And one write may take only
 * part of what we give it: this class keeps the rest until the socket can take more.
 */
final class Connection {
    /** The longest message; a longer line is cut into messages of this size. */
    static final int MAX_MESSAGE = 1024;
    /**
     * Reading from a client stops while this much output waits for it. One read can still add
     * its echo (a few KiB) on top, so a client that never reads costs the server at most about
     * MAX_PENDING + 4 KiB; the rest of what it sends waits in the kernel, and then in the
     * client itself, whose send blocks.
     */
    static final int MAX_PENDING = 64 * 1024;

    final SocketChannel channel;
    private final SelectionKey key;
    private final String name;
    /**
     * What read(2) gives us. Between two reads it holds only the start of an unfinished line,
     * at most MAX_MESSAGE bytes, so there is always room for more: the buffer never grows.
     */
    private final ByteBuffer in = ByteBuffer.allocate(4 * MAX_MESSAGE);
    /** Output not yet taken by the socket, oldest first; the head may be partly written. */
    private final Deque<ByteBuffer> out = new ArrayDeque<>();
    private int pendingBytes;

    Connection(SelectionKey key, String name) {
        this.channel = (SocketChannel) key.channel();
        this.key = key;
        this.name = name;
        key.attach(this);
    }

    /**
     * Reads what has arrived and hands every complete message to {@code onMessage}, without its
     * '\n'. The message buffer is only valid during the call. Returns false at end of stream.
     */
    boolean read(BiConsumer<Connection, ByteBuffer> onMessage) throws IOException {
        int scanned = in.position(); // the bytes before this hold no '\n': the last read looked at them
        if (channel.read(in) < 0) {
            return false;
        }
        int start = 0;
        for (int i = scanned; i < in.position(); i++) {
            if (in.get(i) == '\n') {
                onMessage.accept(this, in.slice(start, i - start));
                start = i + 1;
            } else if (i - start == MAX_MESSAGE) {
                // byte i would make the line too long: what comes before it is a message of its own
                onMessage.accept(this, in.slice(start, MAX_MESSAGE));
                start = i;
            }
        }
        in.flip().position(start);
        in.compact(); // keep the unfinished line, moved to the front
        return true;
    }

    /** Queues bytes for the client. Nothing is written until {@link #flush()}. */
    void send(ByteBuffer bytes) {
        out.add(bytes);
        pendingBytes += bytes.remaining();
    }

    /**
     * Writes as much of the queue as the socket takes now. What it does not take stays queued,
     * and only then do we ask to hear when the socket is writable: a socket with room in its
     * send buffer is always writable, so OP_WRITE left on with nothing to send would wake the
     * loop again and again for nothing. Reading stops while too much waits (back-pressure).
     */
    void flush() throws IOException {
        while (!out.isEmpty()) {
            ByteBuffer head = out.peek();
            pendingBytes -= channel.write(head);
            if (head.hasRemaining()) {
                break; // the socket's send buffer is full: the rest waits for OP_WRITE
            }
            out.remove();
        }
        key.interestOps((pendingBytes < MAX_PENDING ? SelectionKey.OP_READ : 0)
                | (out.isEmpty() ? 0 : SelectionKey.OP_WRITE));
    }

    boolean hasPendingOutput() {
        return !out.isEmpty();
    }

    /** Bytes queued for the client and not yet taken by its socket. */
    int pendingBytes() {
        return pendingBytes;
    }

    boolean readsPaused() {
        return (key.interestOps() & SelectionKey.OP_READ) == 0;
    }

    /** How many bytes of an unfinished line are waiting for the rest of it. */
    int unfinishedBytes() {
        return in.position();
    }

    @Override
    public String toString() {
        return name;
    }
}
