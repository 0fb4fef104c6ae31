package chatsrv;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The event loop: one thread and one Selector watch the listener and every connection. The
 * thread sleeps in select() (epoll_wait) until some socket is ready or the nearest deadline
 * is due, handles exactly the ready ones, none of which can block, carries out what that pass
 * asked for (writes, then closes), and goes back to sleep. It knows nothing of chat: whom to
 * greet, whom to refuse, what to do with a message, when a client has been silent too long,
 * is the Chat's business; the loop carries it out.
 *
 * <p>Only this thread touches the selector, the keys and the connections. The one exception
 * is {@link #shutdown}, which a signal handler calls: it sets a flag and wakes the selector.
 */
final class EventLoop {
    /** Accepts per wakeup at most (see accept). */
    private static final int ACCEPTS_PER_WAKEUP = 64;
    /** How long accepting pauses after accept(2) fails, doubling while it keeps failing. */
    private static final long ACCEPT_BACKOFF_MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long ACCEPT_BACKOFF_MAX_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int SEND_BUFFER = 64 * 1024;
    /**
     * How long a client may owe more than --max-pending before it is cut off as too slow. One
     * pass can bring more than that to every member (64 KiB of empty lines are 65,536 lines,
     * over a megabyte with their senders' addresses in front), and a client that is reading
     * takes it within milliseconds: a burst is not slowness. A client that owes HARD_LIMIT times
     * --max-pending goes at once.
     */
    private static final long SLOW_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int HARD_LIMIT = 16;

    private final Selector selector;
    private final ServerSocketChannel listener;
    private final SelectionKey listenerKey;
    private final Chat chat;
    private final Log log;
    private final long maxPending;
    /** One read buffer for all connections: only this thread reads, one socket at a time. */
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
    private final ByteBuffer[] writeBatch = new ByteBuffer[Connection.WRITE_BATCH];
    /**
     * Connections that this pass queued output for or asked to close (Connection.send, close):
     * written once each at its end, however many lines the pass gave them, then closed if
     * asked, never in the middle of a pass.
     */
    private final List<Connection> endOfPass = new ArrayList<>();

    private int clients;
    private long acceptBackoffNanos;
    /** When accepting resumes after a failure (System.nanoTime()), or 0 while it is not paused. */
    private long acceptResumeNanos;
    private volatile String shutdownReason;

    EventLoop(ServerSocketChannel listener, Chat chat, Log log, Options options) throws IOException {
        this.selector = Selector.open();
        this.listener = listener;
        this.chat = chat;
        this.log = log;
        this.maxPending = options.maxPending();
        // A selector only takes non-blocking channels: a ready socket must never make us wait.
        listener.configureBlocking(false);
        this.listenerKey = listener.register(selector, SelectionKey.OP_ACCEPT);
        loadClassesNow();
    }

    /**
     * The JVM loads a class when it is first used. From a jar that costs no descriptor (the jar
     * is open already), but from a directory of classes (as the tests and IDEs run us) reading
     * the class file takes one. Connection is first used at the first accept: if that client
     * took the last descriptor, the loop thread would die of NoClassDefFoundError. So load it
     * now, while descriptors are free (DescriptorExhaustionTest proves it).
     */
    private static void loadClassesNow() {
        try {
            Class.forName(Connection.class.getName());
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    /** Runs until {@link #shutdown} is called, then says goodbye to every client and returns. */
    void run() throws IOException {
        long sleepNanos = Long.MAX_VALUE; // nothing is due yet
        while (shutdownReason == null) {
            // Sleeps until a registered socket is ready or the nearest deadline is due (with
            // none, for as long as it takes), then calls handle() once per ready key.
            selector.select(this::handle, millis(sleepNanos));
            long now = System.nanoTime();
            sleepNanos = Math.min(chat.onTimer(now), acceptTimer(now));
            finishPass();
            log.flush(); // what this pass logged, in one write(2)
        }
        int count = clients;
        chat.onShutdown();
        finishPass();
        log.info("shut down (%s): closed %d connection%s", shutdownReason, count, count == 1 ? "" : "s");
        log.flush();
        selector.close();
    }

    /** Asks the loop to stop. Safe from any thread: the only method here that is. */
    void shutdown(String reason) {
        shutdownReason = reason;
        selector.wakeup();
    }

    /** A sleep for select(): whole milliseconds, rounded up (waking early would find nothing due), 0 for no limit. */
    private static long millis(long nanos) {
        return nanos == Long.MAX_VALUE ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
    }

    /** Every key handled here is valid: connections are closed only at the end of a pass (finishPass). */
    private void handle(SelectionKey key) {
        if (key.isAcceptable()) {
            accept();
            return;
        }
        Connection connection = (Connection) key.attachment();
        if (key.isReadable()) {
            read(connection);
        }
        if (key.isWritable()) {
            write(connection);
        }
    }

    /**
     * Takes clients off the accept queue until it is empty (accept returns null: EAGAIN), or
     * until ACCEPTS_PER_WAKEUP of them: a storm of connects must not keep the loop from the
     * clients it already has. Whatever is left keeps the listener ready, so the next select()
     * reports it again.
     */
    private void accept() {
        for (int i = 0; i < ACCEPTS_PER_WAKEUP; i++) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (IOException e) {
                pauseAccepting(e);
                return;
            }
            if (channel == null) {
                return; // the accept queue is empty
            }
            acceptBackoffNanos = 0;
            try {
                channel.configureBlocking(false);
                // Nagle's algorithm holds a small segment back while an earlier one is not yet
                // acknowledged, and a client waiting for its answer acknowledges late (delayed
                // ACK: 40 ms or more on Linux). The loop already writes once per connection per
                // pass, so Nagle would only add that wait to every answer.
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                // Linux grows a socket's send buffer up to 4 MiB (net.ipv4.tcp_wmem) on its own:
                // that much kernel memory per client that does not read. Lines are small; a
                // fixed 64 KiB (the kernel doubles it for its bookkeeping) keeps what such a
                // client can cost bounded, kernel and queue together.
                channel.setOption(StandardSocketOptions.SO_SNDBUF, SEND_BUFFER);
                // The address, not the descriptor number: Fds would read all of /proc/self/fd
                // for every client, and under EMFILE it has no descriptor to do it with.
                Connection connection = new Connection(channel.register(selector, SelectionKey.OP_READ),
                        Main.address(channel.getRemoteAddress()), endOfPass);
                clients++;
                log.info("accepted connection from %s (clients: %d)", connection, clients);
                chat.onOpen(connection);
            } catch (IOException e) {
                log.info("accept failed for a new connection: %s", e.getMessage());
                closeQuietly(channel);
            }
        }
    }

    /**
     * accept(2) failed, most likely with EMFILE: no descriptor left for the new socket. The
     * client stays in the kernel's accept queue, so the listener stays readable, and a
     * level-triggered loop would retry at once, forever. Instead, stop watching the listener
     * for a while, or until a client leaves and gives a descriptor back.
     */
    private void pauseAccepting(IOException e) {
        acceptBackoffNanos = Math.min(ACCEPT_BACKOFF_MAX_NANOS, Math.max(ACCEPT_BACKOFF_MIN_NANOS, 2 * acceptBackoffNanos));
        acceptResumeNanos = System.nanoTime() + acceptBackoffNanos;
        listenerKey.interestOps(0);
        log.info("accept failed: %s; not accepting for %d ms, or until a client leaves",
                e.getMessage(), TimeUnit.NANOSECONDS.toMillis(acceptBackoffNanos));
    }

    /** Resumes accepting once the back-off is over; returns how long until then (Long.MAX_VALUE: no back-off). */
    private long acceptTimer(long now) {
        if (acceptResumeNanos == 0) {
            return Long.MAX_VALUE;
        }
        if (now - acceptResumeNanos < 0) {
            return acceptResumeNanos - now;
        }
        resumeAccepting();
        return Long.MAX_VALUE;
    }

    private void resumeAccepting() {
        if (listenerKey.interestOps() == 0) {
            listenerKey.interestOps(SelectionKey.OP_ACCEPT);
            acceptResumeNanos = 0;
        }
    }

    private void read(Connection connection) {
        try {
            if (!connection.read(readBuffer, chat::onMessage)) {
                connection.close("closed by peer"); // read(2) returned 0: the client sent FIN
            }
        } catch (IOException e) {
            connection.close("failed: " + e.getMessage()); // typically ECONNRESET: the client sent RST
        }
    }

    /**
     * Carries out what this pass asked of the connections, now that nothing goes through them:
     * writes what each has queued, then closes those asked to close.
     */
    private void finishPass() {
        for (Connection c : endOfPass) {
            if (c.hasPendingOutput()) {
                write(c);
            }
            if (c.closeReason() != null) {
                close(c, c.closeReason());
            }
            // Only now: a write that fails asks for a close, which must not put c on the list again.
            c.scheduled = false;
        }
        endOfPass.clear();
    }

    /**
     * Writes what the connection has queued, right away: most of the time the socket takes it
     * all and we never need OP_WRITE. Only what is left waits for the socket to be writable.
     * A client that has had more than --max-pending waiting for longer than SLOW_GRACE_NANOS
     * is too slow for the rest: it goes. The check comes after the write, so what the socket
     * takes now never counts against it.
     */
    private void write(Connection connection) {
        boolean wasPaused = connection.readsPaused();
        try {
            connection.flush(writeBatch);
        } catch (IOException e) {
            connection.close("failed: " + e.getMessage()); // typically EPIPE or ECONNRESET
            return;
        }
        if (connection.pendingBytes() <= maxPending) {
            connection.overLimitSince = 0;
        } else if (tooSlow(connection)) {
            connection.close("too slow: " + connection.pendingBytes() + " bytes waiting to be sent, over --max-pending "
                    + maxPending + " for " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connection.overLimitSince) + " ms");
            return;
        }
        if (connection.readsPaused() != wasPaused) {
            log.info(wasPaused ? "resuming reads from %s: %d bytes waiting to be sent"
                    : "pausing reads from %s: %d bytes waiting to be sent", connection, connection.pendingBytes());
        }
    }

    /** Whether a client over --max-pending has been for too long, or is too far over. */
    private boolean tooSlow(Connection connection) {
        long now = System.nanoTime();
        if (connection.overLimitSince == 0) {
            connection.overLimitSince = now;
        }
        return now - connection.overLimitSince > SLOW_GRACE_NANOS || connection.pendingBytes() > HARD_LIMIT * maxPending;
    }

    /**
     * Forgets a connection. close() also cancels its key; the JDK closes the descriptor for real
     * at the next select(), once epoll no longer watches it.
     */
    private void close(Connection connection, String why) {
        closeQuietly(connection.channel);
        clients--;
        chat.onClose(connection);
        int unfinished = connection.unfinishedBytes();
        log.info("connection terminated: %s %s%s", connection, why,
                unfinished == 0 ? "" : ", dropped " + unfinished + " bytes of an unfinished line");
        resumeAccepting(); // a descriptor came back
    }

    private void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            log.info("close failed: %s", e.getMessage());
        }
    }
}
