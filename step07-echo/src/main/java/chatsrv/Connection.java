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
 * part of what we give it: this class keeps the rest until the socket can take more. Runs on
 * the event loop's thread only.
 */
final class Connection {
    /** The longest message; a longer line is cut into messages of this size. */
    static final int MAX_MESSAGE = 1024;
    /**
     * Reading from a client stops while this much output waits for it. One read (up to the
     * loop's 64 KiB) can still add its answers on top, so a client that never reads has at most
     * about PAUSE_READS_AT + 64 KiB of bytes waiting; the rest of what it sends waits in the
     * kernel, and then in the client itself, whose send blocks. The count is of bytes: with tiny
     * lines the buffers that hold them cost more (64 KiB of empty lines are 65,536 answers of one
     * byte, each a buffer of its own: some 5 MB of heap).
     */
    static final int PAUSE_READS_AT = 64 * 1024;
    /** At most this many buffers go into one gathering write(2) (the kernel takes up to 1024, IOV_MAX). */
    static final int WRITE_BATCH = 64;

    final SocketChannel channel;
    private final SelectionKey key;
    private final String name;
    /**
     * The start of a line whose end has not arrived, or null: most connections, most of the
     * time, are between lines and hold no input buffer at all. At most MAX_MESSAGE + 1 bytes:
     * a full message and the '\r' that may be the start of its "\r\n".
     */
    private ByteBuffer unfinished;
    /** Output not yet taken by the socket, oldest first; the head may be partly written. */
    private final Deque<ByteBuffer> out = new ArrayDeque<>();
    private long pendingBytes;
    /** The event loop's list of connections to deal with at the end of this pass (see send and close), and whether we are on it. */
    private final List<Connection> endOfPass;
    boolean scheduled;
    private String closeReason;

    Connection(SelectionKey key, String name, List<Connection> endOfPass) {
        this.channel = (SocketChannel) key.channel();
        this.key = key;
        this.name = name;
        this.endOfPass = endOfPass;
        key.attach(this);
    }

    /**
     * Reads what has arrived, into the event loop's {@code buffer} (shared by every connection:
     * only one thread reads, one socket at a time), after the unfinished line of the last read.
     * Hands every complete message to {@code onMessage}, without its '\n' or "\r\n"; the message
     * is a slice of {@code buffer}, valid only during the call. Returns false at end of stream.
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
            byte b = buffer.get(i);
            if (b == '\n') {
                // telnet and nc -C end lines with "\r\n": the '\r' is not part of the message
                int end = i > start && buffer.get(i - 1) == '\r' ? i - 1 : i;
                onMessage.accept(this, buffer.slice(start, end - start));
                start = i + 1;
            } else if (i - start > MAX_MESSAGE || i - start == MAX_MESSAGE && b != '\r') {
                // byte i would make the line too long: the MAX_MESSAGE bytes before it are a
                // message of their own. A '\r' right at the edge waits for the next byte: if
                // that is '\n', the line was exactly MAX_MESSAGE bytes and ends there.
                onMessage.accept(this, buffer.slice(start, MAX_MESSAGE));
                start += MAX_MESSAGE;
            }
        }
        if (start < buffer.position()) {
            unfinished = ByteBuffer.allocate(buffer.position() - start).put(buffer.slice(start, buffer.position() - start));
        }
        return true;
    }

    /**
     * Queues bytes for the client. Nothing is written yet: the event loop writes every queue
     * that the pass added to at its end, with whatever else the pass queued.
     */
    void send(ByteBuffer bytes) {
        out.add(bytes);
        pendingBytes += bytes.remaining();
        schedule();
    }

    /**
     * Asks the event loop to close the connection at the end of this pass, once what is queued
     * has been written (as far as the socket takes it): whoever decides it (the loop at end of
     * stream, the chat for a silent client) may be in the middle of going through the
     * connections, and one must not vanish under its feet.
     */
    void close(String why) {
        if (closeReason == null) {
            closeReason = why;
            schedule();
        }
    }

    private void schedule() {
        if (!scheduled) {
            scheduled = true;
            endOfPass.add(this);
        }
    }

    /**
     * Writes as much of the queue as the socket takes now, with one gathering write(2)
     * (writev) of up to WRITE_BATCH buffers: the answers to many pipelined lines leave in one
     * system call. What the socket does not take stays queued, and only then do we ask to hear
     * when the socket is writable: a socket with room in its send buffer is always writable, so
     * OP_WRITE left on with nothing to send would wake the loop again and again for nothing.
     * Reading stops while too much waits (back-pressure).
     */
    void flush(ByteBuffer[] batch) throws IOException {
        try {
            while (!out.isEmpty()) {
                int n = 0;
                for (ByteBuffer buffer : out) {
                    batch[n++] = buffer;
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
                if (!tookAll) {
                    break; // the socket's send buffer is full: the rest waits for OP_WRITE
                }
            }
        } catch (IOException e) {
            // A socket that failed takes nothing more: forget what was queued for it, so that
            // closing it at the end of the pass does not try again.
            Arrays.fill(batch, null);
            out.clear();
            pendingBytes = 0;
            throw e;
        }
        key.interestOps((pendingBytes < PAUSE_READS_AT ? SelectionKey.OP_READ : 0)
                | (out.isEmpty() ? 0 : SelectionKey.OP_WRITE));
    }

    boolean hasPendingOutput() {
        return !out.isEmpty();
    }

    /** Bytes queued for the client and not yet taken by its socket. */
    long pendingBytes() {
        return pendingBytes;
    }

    boolean readsPaused() {
        return (key.interestOps() & SelectionKey.OP_READ) == 0;
    }

    /** Why the connection is to be closed, or null. */
    String closeReason() {
        return closeReason;
    }

    /** How many bytes of an unfinished line are waiting for the rest of it. */
    int unfinishedBytes() {
        return unfinished == null ? 0 : unfinished.limit();
    }

    @Override
    public String toString() {
        return name;
    }
}
