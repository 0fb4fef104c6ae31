package chatsrv;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The event loop: one thread and one Selector watch the listener and every connection. The
 * thread sleeps in select() (epoll_wait) until some socket is ready or the nearest deadline
 * is due, handles exactly the ready ones, none of which can block, writes what that pass
 * queued, and goes back to sleep. It knows nothing of chat: what to do with a message is the
 * Chat's business.
 *
 * <p>Only this thread touches the selector, the keys and the connections. The one exception
 * is {@link #shutdown}, which a signal handler calls: it sets a flag and wakes the selector.
 */
final class EventLoop {
    /** How long accepting pauses after accept(2) fails, doubling while it keeps failing. */
    private static final long ACCEPT_BACKOFF_MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long ACCEPT_BACKOFF_MAX_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int SEND_BUFFER = 64 * 1024;
    /** Accepts per wakeup at most, so a storm of connects cannot starve connected clients. */
    private static final int ACCEPTS_PER_WAKEUP = 64;

    private final Selector selector;
    private final ServerSocketChannel listener;
    private final SelectionKey listenerKey;
    private final Chat chat;
    private final Log log;
    private final Limits limits;
    private final long idleTimeoutNanos;

    /**
     * Every open connection. With an idle timeout, a connection moves to the tail whenever it
     * sends something, so the head is always the next to time out.
     */
    private final LinkedHashSet<Connection> connections = new LinkedHashSet<>();
    /** Connections that were sent something during this pass: flushed once, at its end (Connection.send adds them). */
    private final List<Connection> toFlush = new ArrayList<>();
    /** One read buffer for all connections: only the loop thread reads, one socket at a time. */
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
    private final ByteBuffer[] writeBatch = new ByteBuffer[Connection.WRITE_BATCH];

    private long acceptBackoffNanos;
    private long acceptResumeNanos;
    private volatile String shutdownReason;

    /** The limits the command line sets; a zero idle timeout means none. */
    record Limits(int maxClients, long maxPending, Duration idleTimeout) {
    }

    EventLoop(ServerSocketChannel listener, Chat chat, Log log, Limits limits) throws IOException {
        this.selector = Selector.open();
        this.listener = listener;
        this.chat = chat;
        this.log = log;
        this.limits = limits;
        this.idleTimeoutNanos = limits.idleTimeout().toNanos();
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
        while (shutdownReason == null) {
            // Sleeps until a registered socket is ready or the nearest deadline is due (with
            // none, for as long as it takes), then calls handle() once per ready key.
            selector.select(this::handle, millisToNextDeadline());
            flushAll();
            closeIdle();
            resumeAcceptingIfDue();
            log.flush();
        }
        int count = connections.size();
        for (Connection c : List.copyOf(connections)) {
            chat.onShutdown(c);
            flush(c);
            close(c, "server shutting down");
        }
        log.info("shut down (%s): closed %d connections", shutdownReason, count);
        log.flush();
        selector.close();
    }

    /** Asks the loop to stop. Safe from any thread: the only thing here that is. */
    void shutdown(String reason) {
        shutdownReason = reason;
        selector.wakeup();
    }

    private void handle(SelectionKey key) {
        if (key.isAcceptable()) {
            accept();
            return;
        }
        Connection connection = (Connection) key.attachment();
        if (key.isReadable()) {
            read(connection);
        }
        if (key.isValid() && key.isWritable()) {
            flush(connection);
        }
    }

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
                break; // the accept queue is empty
            }
            acceptBackoffNanos = 0;
            try {
                open(channel);
            } catch (IOException e) {
                log.info("accept failed for a new connection: %s", e.getMessage());
                closeQuietly(channel);
            }
        }
    }

    private void open(SocketChannel channel) throws IOException {
        channel.configureBlocking(false);
        // Nagle's algorithm holds a small segment back until the previous one is acknowledged,
        // and a client that only listens acknowledges late (delayed ACK, up to 40 ms). We batch
        // our writes ourselves, one per connection per pass, so Nagle only adds latency.
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        // Linux grows a socket's send buffer up to 4 MiB (net.ipv4.tcp_wmem) on its own: that
        // much kernel memory per client that does not read, before --max-pending even starts
        // to count. Chat lines are small; a fixed 64 KiB (the kernel doubles it for its
        // bookkeeping) keeps what a slow client can cost bounded, kernel and queue together.
        channel.setOption(StandardSocketOptions.SO_SNDBUF, SEND_BUFFER);
        String address = Main.address(channel.getRemoteAddress());
        if (connections.size() >= limits.maxClients()) {
            // One line, in one write to a socket nothing was written to yet: it fits in the send buffer.
            channel.write(chat.serverFull());
            channel.close();
            log.info("refused connection from %s: server full (--max-clients %d)", address, limits.maxClients());
            return;
        }
        Connection connection = new Connection(channel.register(selector, SelectionKey.OP_READ), address, toFlush);
        connection.lastInputNanos = System.nanoTime();
        connections.add(connection);
        log.info("accepted connection from %s (clients: %d)", connection, connections.size());
        chat.onOpen(connection);
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

    private void resumeAccepting() {
        if (listenerKey.interestOps() == 0) {
            listenerKey.interestOps(SelectionKey.OP_ACCEPT);
            acceptResumeNanos = 0;
        }
    }

    private void resumeAcceptingIfDue() {
        if (acceptResumeNanos != 0 && System.nanoTime() - acceptResumeNanos >= 0) {
            resumeAccepting();
        }
    }

    private void read(Connection connection) {
        try {
            if (!connection.read(readBuffer, chat::onMessage)) {
                // FIN: the client will send no more, but may still read. Give it what it is
                // owed (its own last lines, say) in one last flush, then close.
                flush(connection);
                close(connection, "closed by peer");
                return;
            }
        } catch (IOException e) {
            close(connection, "failed: " + e.getMessage()); // typically ECONNRESET: the client sent RST
            return;
        }
        if (idleTimeoutNanos > 0) {
            connection.lastInputNanos = System.nanoTime();
            connections.remove(connection); // moved to the tail: the most recently active
            connections.add(connection);
        }
    }

    /**
     * Writes what this pass queued: one gathering write per connection however many messages
     * it got, and only then the slow-client check, so that a burst a healthy client is about
     * to take never counts against it.
     */
    private void flushAll() {
        for (Connection c : toFlush) {
            c.flushScheduled = false;
            if (c.channel.isOpen()) {
                flush(c);
            }
        }
        toFlush.clear();
    }

    /**
     * Writes what the connection has queued, right away: most of the time the socket takes it
     * all and we never need OP_WRITE. Only what is left waits for the socket to be writable.
     * A client that has more waiting than --max-pending is too slow for the rest: it goes.
     */
    private void flush(Connection connection) {
        boolean wasPaused = connection.readsPaused();
        try {
            connection.flush(writeBatch);
        } catch (IOException e) {
            close(connection, "failed: " + e.getMessage()); // typically EPIPE or ECONNRESET
            return;
        }
        if (connection.pendingBytes() > limits.maxPending()) {
            close(connection, String.format("too slow: %d bytes waiting to be sent, over --max-pending %d",
                    connection.pendingBytes(), limits.maxPending()));
        } else if (connection.readsPaused() != wasPaused) {
            log.info(wasPaused ? "resuming reads from %s: %d bytes waiting to be sent"
                    : "pausing reads from %s: %d bytes waiting to be sent", connection, connection.pendingBytes());
        }
    }

    private void closeIdle() {
        if (idleTimeoutNanos == 0) {
            return;
        }
        long now = System.nanoTime();
        while (!connections.isEmpty()) {
            Connection oldest = connections.iterator().next();
            if (now - oldest.lastInputNanos < idleTimeoutNanos) {
                break;
            }
            close(oldest, "idle for " + limits.idleTimeout().toMillis() + " ms (--idle-timeout)");
        }
    }

    /** How long select() may sleep: until the nearest deadline, or 0 (no limit) when there is none. */
    private long millisToNextDeadline() {
        long next = Long.MAX_VALUE;
        long now = System.nanoTime();
        if (acceptResumeNanos != 0) {
            next = acceptResumeNanos - now;
        }
        if (idleTimeoutNanos > 0 && !connections.isEmpty()) {
            next = Math.min(next, connections.iterator().next().lastInputNanos + idleTimeoutNanos - now);
        }
        if (next == Long.MAX_VALUE) {
            return 0;
        }
        // round up: waking a little early would find nothing due and go back to sleep for 0 ms
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(next + 999_999));
    }

    /**
     * Forgets a connection. close() also cancels its key; the JDK closes the descriptor for real
     * at the next select(), once epoll no longer watches it.
     */
    private void close(Connection connection, String why) {
        if (!connections.remove(connection)) {
            return; // already closed during this pass
        }
        closeQuietly(connection.channel);
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
