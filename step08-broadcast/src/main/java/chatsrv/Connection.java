package chatsrv;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
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
    /**
     * At most this many views go into one gathering write(2). A queue is rarely longer than
     * two or three (see send); a long one is a slow client's: many arenas' worth of lines.
     */
    static final int WRITE_BATCH = 64;

    final SocketChannel channel;
    final String address;
    private final SelectionKey key;
    /**
     * The start of a line whose end has not arrived, at most MAX_MESSAGE bytes, or null: most
     * connections, most of the time, are between lines and hold no input buffer at all.
     */
    private ByteBuffer unfinished;
    /**
     * Output not yet taken by the socket, oldest first. Each entry is a view of our own on
     * bytes that the queues of other connections may share (see send): the JDK moves the
     * view's position as the socket takes bytes, and the bytes themselves are never changed.
     * Sized for the one or two views a queue usually holds: the default of 16 slots would cost
     * each of 10,000 idle connections 56 bytes more; a slow client's queue grows as it must.
     */
    private final Deque<ByteBuffer> out = new ArrayDeque<>(2);
    /** The buffer that the newest view in {@code out} looks at (null while out is empty), and where in it that view ends. */
    private ByteBuffer tailSource;
    private int tailEnd;
    private long pendingBytes;
    /** The event loop's list of connections to flush at the end of this pass, and whether we are on it. */
    private final List<Connection> toFlush;
    boolean flushScheduled;
    /** When the client last sent something, for the idle timeout. */
    long lastInputNanos;

    Connection(SelectionKey key, String address, List<Connection> toFlush) {
        this.channel = (SocketChannel) key.channel();
        this.key = key;
        this.address = address;
        this.toFlush = toFlush;
        key.attach(this);
    }

    /**
     * Reads what has arrived, using the event loop's shared buffer {@code buffer}, and hands
     * every complete message to {@code onMessage}, without its '\n' (nor the '\r' of a "\r\n").
     * The message buffer is only valid during the call. Returns false at end of stream.
     */
    boolean read(ByteBuffer buffer, BiConsumer<Connection, ByteBuffer> onMessage) throws IOException {
        buffer.clear();
        if (unfinished != null) {
            buffer.put(unfinished.rewind());
        }
        int scanned = buffer.position(); // the bytes before this hold no '\n': the last read looked at them
        if (channel.read(buffer) < 0) {
            return false;
        }
        unfinished = null;
        int start = 0;
        for (int i = scanned; i < buffer.position(); i++) {
            if (buffer.get(i) == '\n') {
                int end = i > start && buffer.get(i - 1) == '\r' ? i - 1 : i;
                onMessage.accept(this, buffer.slice(start, end - start));
                start = i + 1;
            } else if (i - start == MAX_MESSAGE) {
                // byte i would make the line too long: what comes before it is a message of its own
                onMessage.accept(this, buffer.slice(start, MAX_MESSAGE));
                start = i;
            }
        }
        if (start < buffer.position()) {
            unfinished = ByteBuffer.allocate(buffer.position() - start).put(buffer.slice(start, buffer.position() - start)).flip();
        }
        return true;
    }

    /**
     * Queues bytes {@code [from, to)} of {@code shared} for the client; the event loop writes
     * them at the end of this pass, with whatever else the pass queued. {@code shared} may be
     * in other queues too, so it is never changed: the queue holds views of it. When these bytes
     * come right after the ones queued last, as every broadcast line does (Chat encodes lines
     * one after the other into one buffer), the newest view just grows to cover them: however
     * many lines a pass brings, the queue usually gains no entry at all.
     */
    void send(ByteBuffer shared, int from, int to) {
        if (shared == tailSource && from == tailEnd) {
            ByteBuffer tail = out.peekLast();
            tail.limit(tail.limit() + (to - from));
        } else {
            // a view that may grow up to the end of shared: its capacity runs that far
            out.add(shared.slice(from, shared.capacity() - from).limit(to - from));
            tailSource = shared;
        }
        tailEnd = to;
        pendingBytes += to - from;
        if (!flushScheduled) {
            flushScheduled = true;
            toFlush.add(this);
        }
    }

    /** Queues all of {@code shared}, a buffer that holds one whole line (the greeting, say). */
    void send(ByteBuffer shared) {
        send(shared, 0, shared.limit());
    }

    /**
     * Writes as much of the queue as the socket takes now, with one gathering write(2) of up
     * to WRITE_BATCH views. What it does not take stays queued, and only then do we ask to
     * hear when the socket is writable: a socket with room in its send buffer is always
     * writable, so OP_WRITE left on with nothing to send would wake the loop again and again.
     * Reading stops while too much waits (back-pressure).
     */
    void flush(ByteBuffer[] batch) throws IOException {
        while (!out.isEmpty()) {
            int n = 0;
            for (ByteBuffer view : out) {
                batch[n++] = view;
                if (n == batch.length) {
                    break;
                }
            }
            pendingBytes -= channel.write(batch, 0, n);
            boolean tookAll = !batch[n - 1].hasRemaining();
            Arrays.fill(batch, 0, n, null);
            while (!out.isEmpty() && !out.peek().hasRemaining()) {
                out.remove();
            }
            if (out.isEmpty()) {
                tailSource = null; // nothing left to grow, and no old arena kept alive for it
            }
            if (!tookAll) {
                break; // the socket's send buffer is full: the rest waits for OP_WRITE
            }
        }
        key.interestOps((pendingBytes < MAX_PENDING ? SelectionKey.OP_READ : 0)
                | (out.isEmpty() ? 0 : SelectionKey.OP_WRITE));
    }

    /** Bytes queued for the client and not yet taken by its socket. */
    long pendingBytes() {
        return pendingBytes;
    }

    /** How many entries the output queue has: one per run of adjacent bytes (see send). */
    int queuedViews() {
        return out.size();
    }

    boolean readsPaused() {
        return (key.interestOps() & SelectionKey.OP_READ) == 0;
    }

    /** How many bytes of an unfinished line are waiting for the rest of it. */
    int unfinishedBytes() {
        return unfinished == null ? 0 : unfinished.limit();
    }

    @Override
    public String toString() {
        return address;
    }
}
