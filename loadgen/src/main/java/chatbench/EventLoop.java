package chatbench;

import static java.nio.channels.SelectionKey.OP_CONNECT;
import static java.nio.channels.SelectionKey.OP_READ;
import static java.nio.channels.SelectionKey.OP_WRITE;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The bench's event loop: one thread, one Selector, every connection. The same shape as the
 * server's loop, seen from the other end of the socket: it connects, reads and writes, and
 * hands every line it reads to the {@link Handler} the connection was opened with. What the
 * lines mean, and what to send, is the business of Clients (and, in the logins scenario, of
 * the Storm's connections beside them).
 *
 * <p>One loop, not one per core: the machine this course runs on has two cores and the server
 * under test needs them as much as the bench does; one thread also means no locks, and every
 * count is a plain field.
 *
 * <p>A pass of the loop: select() waits for a socket to be ready or for the time the caller
 * gives; then each ready socket is served: a connect finished, everything there is read, what
 * was left written. Reading promptly matters: a server may cut off a client that does not read.
 */
final class EventLoop implements Phase.Loop, AutoCloseable {

    /** What the loop tells about its connections. */
    interface Handler {
        /** One complete line from the server, in {@code b[from, to)} without its newline; valid only during the call. */
        void line(Connection c, byte[] b, int from, int to, long arrivedNanos);

        /** The connect failed (nobody listens, or the server's queue is full); closed follows. */
        void connectFailed(Connection c, IOException e);

        /** The connection is closed, by the server, by an error, or by {@link #close(Connection, String)}. */
        void closed(Connection c, String why);

        /**
         * Every line of one read has been handed over: the place to answer them all at once (one
         * roster ACK for a burst of changes) instead of once per line.
         */
        default void afterRead(Connection c) {}
    }

    private final InetSocketAddress server;
    /** The handler of connections opened with {@link #connect()}. */
    private final Handler handler;
    private final Selector selector;
    private final List<Connection> connections = new ArrayList<>();
    /** One read buffer for all connections: the loop reads one socket at a time. */
    private final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
    private long now = System.nanoTime();   // as of the last wakeup or read
    private long bytesIn;
    private long bytesOut;

    EventLoop(InetSocketAddress server, Handler handler) throws IOException {
        this.server = server;
        this.handler = handler;
        this.selector = Selector.open();
    }

    /** Every connection opened so far, closed ones included, in the order they were opened. */
    List<Connection> connections() {
        return connections;
    }

    long bytesIn() {
        return bytesIn;
    }

    /** What the sockets have taken from the senders' buffers. */
    long bytesOut() {
        return bytesOut;
    }

    /**
     * The loop's clock: {@link System#nanoTime()} as of its last wakeup or read. The lines of
     * one read arrived together, and share its time; and a phase that ends at a wakeup ends at
     * that wakeup's time, whatever it then does before it returns (a progress line, say).
     */
    @Override
    public long now() {
        return now;
    }

    /** Starts one more connection for the loop's own handler. */
    Connection connect() throws IOException {
        return connect(handler);
    }

    /**
     * Starts one more connection whose lines and events go to {@code to}. If it fails at once,
     * that handler has heard so before this returns.
     */
    Connection connect(Handler to) throws IOException {
        return connect(to, 0);
    }

    /**
     * The same, with a receive buffer of {@code receiveBuffer} bytes (0: the kernel's default).
     * Set before the connect: TCP announces its window scale in the handshake, so a buffer made
     * smaller afterwards may not shrink what the server is told it may send.
     */
    Connection connect(Handler to, int receiveBuffer) throws IOException {
        Connection c = new Connection(SocketChannel.open(), to);
        connections.add(c);
        try {
            c.channel.configureBlocking(false);
            if (receiveBuffer > 0) {
                c.channel.setOption(StandardSocketOptions.SO_RCVBUF, receiveBuffer);
            }
            // Small lines and a latency measurement: do not let Nagle's algorithm hold one back.
            c.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            // Non-blocking connect only sends the SYN; OP_CONNECT says when the handshake is done.
            boolean connected = c.channel.connect(server);
            c.key = c.channel.register(selector, connected ? OP_READ : OP_CONNECT, c);
            if (connected) {
                c.state = Connection.State.OPEN;
            }
        } catch (IOException e) {
            connectFailed(c, e);
        }
        return c;
    }

    private void connectFailed(Connection c, IOException e) {
        c.handler.connectFailed(c, e);
        close(c, e.toString());
    }

    /**
     * One wait for events, until {@code until} at the latest, then every ready socket served.
     * select() counts whole milliseconds, so the wait is rounded up: a fixed-rate sender may
     * write up to a millisecond late (the report shows by how much). Being on time to the
     * microsecond would take polling in a busy loop, a core that the server needs.
     */
    @Override
    public void poll(long until) throws IOException {
        long millis = (until - System.nanoTime() + 999_999) / 1_000_000;
        if (millis > 0) {
            selector.select(millis);
        } else {
            selector.selectNow();
        }
        now = System.nanoTime();
        for (SelectionKey key : selector.selectedKeys()) {
            serve(key);
        }
        selector.selectedKeys().clear();
    }

    private void serve(SelectionKey key) {
        Connection c = (Connection) key.attachment();
        try {
            if (key.isValid() && key.isConnectable()) {
                try {
                    c.channel.finishConnect();          // throws if the handshake failed
                } catch (IOException e) {
                    connectFailed(c, e);
                    return;
                }
                c.state = Connection.State.OPEN;
                key.interestOps(OP_READ);
            }
            if (key.isValid() && key.isReadable()) {
                read(c);
            }
            if (key.isValid() && key.isWritable()) {
                write(c);
            }
        } catch (IOException e) {
            close(c, e.toString());
        }
    }

    private void read(Connection c) throws IOException {
        in.clear();
        int n = c.channel.read(in);
        long arrived = now = System.nanoTime();   // once per read, not per line: the lines arrived together
        if (n < 0) {
            close(c, "the server closed the connection");
            return;
        }
        bytesIn += n;
        c.lines.feed(in.array(), 0, n, (b, from, to) -> c.handler.line(c, b, from, to, arrived));
        if (c.state != Connection.State.CLOSED) {
            c.handler.afterRead(c);
        }
    }

    /**
     * Stops reading {@code c} (false) or starts again (true). Not reading is how a client lags:
     * what the server sends waits in the kernel's buffers, and once they are full, at the server.
     */
    void reading(Connection c, boolean on) {
        if (c.state == Connection.State.OPEN) {
            c.key.interestOps(on ? c.key.interestOps() | OP_READ : c.key.interestOps() & ~OP_READ);
        }
    }

    /**
     * Writes what the connection's buffer holds, and asks for OP_WRITE only while something is
     * left: in a level-triggered loop, OP_WRITE left on with nothing to write wakes select() at
     * once, forever.
     */
    void write(Connection c) throws IOException {
        if (c.control != null) {                // the rest of a line of writeLine's: it goes first
            c.channel.write(c.control);
            if (!c.control.hasRemaining()) {
                c.control = null;
            }
        }
        if (c.control == null && c.out != null) {
            c.out.flip();
            int n = c.channel.write(c.out);
            c.out.compact();
            c.written += n;
            bytesOut += n;
        }
        boolean more = c.control != null || c.out != null && c.out.position() > 0;
        int reading = c.key.interestOps() & OP_READ;     // a lagging client's OP_READ stays off
        c.key.interestOps(more ? reading | OP_WRITE : reading);
    }

    /**
     * Writes one short line of the client's own (an ACK) where it cannot cut a message in two:
     * only when the connection's buffer holds no message bytes, so false while it does, and the
     * caller tries again later. What the socket does not take at once waits in {@code c.control},
     * and goes out before anything else; it does not count as message bytes. False too, and the
     * connection closed, if the write fails.
     */
    boolean writeLine(Connection c, byte[] line) {
        if (c.state != Connection.State.OPEN || c.out != null && c.out.position() > 0) {
            return false;
        }
        try {
            if (c.control != null) {            // behind what is waiting already
                c.control = ByteBuffer.allocate(c.control.remaining() + line.length).put(c.control).put(line).flip();
            } else {
                c.control = ByteBuffer.wrap(line);
            }
            write(c);
            return true;
        } catch (IOException e) {
            close(c, e.toString());
            return false;
        }
    }

    /**
     * Writes a short line straight to the socket, outside the connection's buffer and its
     * counts; false if the socket did not take it whole (a fresh socket's send buffer does).
     */
    boolean writeNow(Connection c, ByteBuffer line) throws IOException {
        c.channel.write(line);
        return !line.hasRemaining();
    }

    /** Closes a connection for good, once; the handler hears of it with {@code why} (may be null). */
    void close(Connection c, String why) {
        if (c.state == Connection.State.CLOSED) {
            return;
        }
        c.state = Connection.State.CLOSED;
        if (c.key != null) {
            c.key.cancel();
        }
        try {
            c.channel.close();
        } catch (IOException ignored) {
            // closing: nothing left to do with it
        }
        c.handler.closed(c, why);
    }

    @Override
    public void close() throws IOException {
        for (Connection c : connections) {
            c.channel.close();
        }
        selector.close();
    }
}
