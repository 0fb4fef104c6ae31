package chatsrv;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * One client: its socket, its key in the selector, the bytes of a line that has not fully
 * arrived yet, and the bytes waiting to be sent. TCP delivers a stream of bytes, not
 * messages: one read may bring half a line, or many lines, or the end of one and the start of
 * the next. This class cuts the stream into messages at '\n'. And one write may take only
 * part of what we give it: this class keeps the rest until the socket can take more. Runs on
 * the event loop's thread only. The workers hold connections too, but only as names for the
 * clients, and to reach the client's User (see Chat): they never call a method of this class,
 * and toString reads a final field.
 */
final class Connection {
    /** The longest line a client may send, without its "\r\n": a longer one is refused whole (see read). */
    static final int MAX_MESSAGE = 1024;

    /** Where read hands each message: the event loop, which collects a read's messages into one task. */
    interface Sink {
        /** {@code tooLong}: the message is only the first MAX_MESSAGE bytes of a longer line, whose rest is dropped. */
        void accept(Connection from, ByteBuffer message, boolean tooLong);
    }
    /**
     * Reading from a client stops while this much output waits for it. One read (up to the
     * loop's 64 KiB) can still add its lines on top, and more than it read when each line goes
     * out with its sender's address in front (64 KiB of empty lines are 65,536 lines of some 20
     * bytes); a client over --max-pending for a second is cut off as too slow (EventLoop.write).
     * The rest of what it sends waits in the kernel, and then in the client itself, whose send
     * blocks.
     */
    static final int PAUSE_READS_AT = 64 * 1024;
    /**
     * At most this many views go into one gathering write(2) (the kernel takes up to 1024,
     * IOV_MAX). A queue is rarely longer than two or three (see send); a long one is a slow
     * client's: many arenas' worth of lines.
     */
    static final int WRITE_BATCH = 64;

    final SocketChannel channel;
    private final SelectionKey key;
    private final String name;
    /** Which worker handles this client's messages: always the same one, so they are handled in the order they came (see Workers). */
    final int worker;
    /**
     * What the chat knows of the client: set by the chat as the connection opens (on the loop's
     * thread, before any of its lines go to a worker), then touched only by the client's worker.
     */
    User user;
    /**
     * The start of a line whose end has not arrived, or null: most connections, most of the
     * time, are between lines and hold no input buffer at all. At most MAX_MESSAGE + 1 bytes:
     * a full message and the '\r' that may be the start of its "\r\n".
     */
    private ByteBuffer unfinished;
    /** Whether the bytes that come are the rest of a line too long to take: dropped, up to its '\n'. */
    private boolean discarding;
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
    /** The event loop's list of connections to deal with at the end of this pass (see send and close), and whether we are on it. */
    private final List<Connection> endOfPass;
    boolean scheduled;
    /** Whether reads stopped because too much output waits (flush), or because the loop holds them (holdReads). */
    private boolean pausedForOutput;
    private boolean held;
    /**
     * Reads of this client that the pool has not finished with (the loop counts them: up at
     * Workers.submit, down when the worker says it is done), and the reason to close once it
     * has, or null: a client that half-closes after its last line must still get that line
     * back, and the pool may still hold it when the FIN arrives.
     */
    int inPool;
    String closeWhenDone;
    /** Since when (System.nanoTime()) more than --max-pending has waited, or 0: the loop's slow-client rule. */
    long overLimitSince;
    private String closeReason;

    Connection(SelectionKey key, String name, int worker, List<Connection> endOfPass) {
        this.channel = (SocketChannel) key.channel();
        this.key = key;
        this.name = name;
        this.worker = worker;
        this.endOfPass = endOfPass;
        key.attach(this);
    }

    /**
     * Reads what has arrived, into the event loop's {@code buffer} (shared by every connection:
     * only one thread reads, one socket at a time), after the unfinished line of the last read.
     * Hands every complete message to {@code sink}, without its '\n' or "\r\n"; the message
     * is a slice of {@code buffer}, valid only during the call. Returns false at end of stream.
     *
     * <p>A line longer than MAX_MESSAGE is refused whole: its first MAX_MESSAGE bytes go to the
     * sink, marked too long (the chat answers with an ERR, which names the line's verb), and
     * the rest is dropped as it comes, up to its '\n', never taken for a line of its own. So a
     * client that sends a megabyte without a '\n' costs the server nothing but the reads.
     */
    boolean read(ByteBuffer buffer, Sink sink) throws IOException {
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
            if (discarding) {
                discarding = b != '\n';
                start = i + 1;
            } else if (b == '\n') {
                // telnet and nc -C end lines with "\r\n": the '\r' is not part of the message
                int end = i > start && buffer.get(i - 1) == '\r' ? i - 1 : i;
                sink.accept(this, buffer.slice(start, end - start), false);
                start = i + 1;
            } else if (i - start > MAX_MESSAGE || i - start == MAX_MESSAGE && b != '\r') {
                // byte i makes the line too long. A '\r' right at the edge waits for the next
                // byte: if that is '\n', the line was exactly MAX_MESSAGE bytes and ends there.
                sink.accept(this, buffer.slice(start, MAX_MESSAGE), true);
                discarding = true;
                start = i + 1;
            }
        }
        if (start < buffer.position()) {
            unfinished = ByteBuffer.allocate(buffer.position() - start).put(buffer.slice(start, buffer.position() - start));
        }
        return true;
    }

    /**
     * Queues a line for the client. Nothing is written yet: the event loop writes every queue
     * that the pass added to at its end, with whatever else the pass queued. The line's
     * bytes may be in other queues too, so the queue holds a view of them. When they come
     * right after the bytes queued last, as every broadcast line does (the Arena appends lines
     * one after the other), the newest view just grows to cover them: however many lines a
     * pass brings, the queue usually gains no entry at all.
     */
    void send(Line line) {
        ByteBuffer bytes = line.bytes();
        if (bytes == tailSource && line.from() == tailEnd) {
            ByteBuffer tail = out.peekLast();
            tail.limit(tail.limit() + (line.to() - line.from()));
        } else {
            // a view that may grow up to the end of the bytes: its capacity runs that far
            out.add(bytes.slice(line.from(), bytes.capacity() - line.from()).limit(line.to() - line.from()));
            tailSource = bytes;
        }
        tailEnd = line.to();
        pendingBytes += line.to() - line.from();
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
     * (writev) of up to WRITE_BATCH views: however many lines a pass queued, they leave in one
     * system call. What the socket does not take stays queued, and only then do we ask to hear
     * when the socket is writable: a socket with room in its send buffer is always writable, so
     * OP_WRITE left on with nothing to send would wake the loop again and again for nothing.
     * Reading stops while too much waits (back-pressure).
     */
    void flush(ByteBuffer[] batch) throws IOException {
        try {
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
        } catch (IOException e) {
            // A socket that failed takes nothing more: forget what was queued for it, so that
            // closing it at the end of the pass does not try again.
            Arrays.fill(batch, null);
            out.clear();
            pendingBytes = 0;
            tailSource = null;
            throw e;
        }
        pausedForOutput = pendingBytes >= PAUSE_READS_AT;
        updateInterest();
    }

    /**
     * Stops reading from the client, or starts again: the loop holds reads while this client's
     * worker is too far behind, and from everyone while the server stops. What the client sends
     * meanwhile waits in the kernel, and then in the client.
     */
    void holdReads(boolean hold) {
        held = hold;
        updateInterest();
    }

    private void updateInterest() {
        if (key.isValid()) {
            key.interestOps((pausedForOutput || held ? 0 : SelectionKey.OP_READ) | (out.isEmpty() ? 0 : SelectionKey.OP_WRITE));
        }
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    boolean hasPendingOutput() {
        return !out.isEmpty();
    }

    /** How many entries the output queue has: one per run of adjacent bytes (see send). */
    int queuedViews() {
        return out.size();
    }

    /** Bytes queued for the client and not yet taken by its socket. */
    long pendingBytes() {
        return pendingBytes;
    }

    /** Whether reading stopped because too much output waits (not because the loop holds reads). */
    boolean readsPaused() {
        return pausedForOutput;
    }

    /** Whether the loop holds reads (holdReads), whatever the output. */
    boolean readsHeld() {
        return held;
    }

    /**
     * Whether the server has input of this client that the chat has not seen: reads with the
     * pool, or reads held back while the pool catches up. (The chat's idle timer asks, on the
     * loop's thread.)
     */
    boolean hasUnseenInput() {
        return inPool > 0 || held;
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
