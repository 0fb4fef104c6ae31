package chatsrv;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The terminal client's network side: one thread ("server-link"), one Selector, one non-blocking
 * SocketChannel. It connects, cuts what the server sends into lines, writes what the UI asks it
 * to, and tells the UI what happened through {@link Events}.
 *
 * <p>Threads: {@link #run} is the only code that touches the Selector and the channel. The UI
 * thread calls {@link #send} and {@link #close}, which only put work on a queue and wake the
 * Selector up, as the server's workers do with its event loop. The Events it calls run on this
 * thread: the UI must hand them over to its own thread (ChatUi does, with Lanterna's
 * invokeLater).
 *
 * <p>It never blocks but in select(), and select() always has a deadline: a server that does
 * not accept, does not answer or has gone without a FIN shows up as time passing, which it
 * reports, instead of a thread stuck in connect() or read().
 */
final class ServerLink implements Runnable {
    /** What the link reports. Called on the link's thread, in this order: connected, lines..., closed once. */
    interface Events {
        void connected();

        /** The complete lines of one read, in order, without their '\n' (or "\r\n"). */
        void lines(List<String> lines);

        /** Something sent has gone unanswered for this many whole seconds (1, 2, 3, ...), or 0: the server answered again. */
        void waiting(int seconds);

        /** The connection is over: why, in words. Always the last call. */
        void closed(String why);
    }

    /** How long a connect may take before the link gives up. */
    static final long CONNECT_TIMEOUT_MS = 5_000;
    /** After this long with nothing sent, a PING: it keeps a server's --idle-timeout at bay and finds a server that has gone without a word. */
    static final long PING_AFTER_MS = 30_000;
    /** Unanswered for this long, the UI is told each second. */
    static final long WAITING_AFTER_MS = 2_000;
    /** How long QUIT may take to go out before the link closes anyway. */
    static final long FINISH_TIMEOUT_MS = 1_000;
    /** A server line is at most 1058 bytes (notes/protocol.md); longer than this is cut, so that a broken server cannot make the client grow without end. */
    static final int MAX_LINE = 64 * 1024;

    private final String host;
    private final int port;
    private final Events events;
    private final Selector selector;
    private final Queue<String> outbox = new ConcurrentLinkedQueue<>();
    private volatile boolean closeRequested;
    private volatile boolean closeAfterSending;
    private volatile long finishBy;

    // The link thread's own.
    private final ByteBuffer in = ByteBuffer.allocate(MAX_LINE);
    private final Queue<ByteBuffer> out = new ArrayDeque<>();
    private long lastSent;
    /** When the oldest line still unanswered was sent; 0 when nothing is awaited. */
    private long awaitingSince;
    private int waitingReported;

    ServerLink(String host, int port, Events events) throws IOException {
        this.host = host;
        this.port = port;
        this.events = events;
        this.selector = Selector.open();
    }

    /** Starts the link's thread. */
    ServerLink start() {
        Thread thread = new Thread(this, "server-link");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** Queues a line for the server (any thread). Lines sent before the connection is up wait for it. */
    void send(String line) {
        outbox.add(line);
        selector.wakeup();
    }

    /** Sends what is queued, then closes (any thread): how QUIT leaves. */
    void finish() {
        finishBy = System.currentTimeMillis() + FINISH_TIMEOUT_MS;
        closeAfterSending = true;
        selector.wakeup();
    }

    /** Closes at once, dropping what is queued (any thread). */
    void close() {
        closeRequested = true;
        selector.wakeup();
    }

    @Override
    public void run() {
        String why;
        try (selector; SocketChannel channel = SocketChannel.open()) {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            SelectionKey key = channel.register(selector, SelectionKey.OP_CONNECT);
            // Here and not on the UI thread: a host name is looked up, and that may take seconds.
            InetSocketAddress address = new InetSocketAddress(host, port);
            if (address.isUnresolved()) {
                why = "could not find the host " + host;
            } else {
                why = channel.connect(address) ? serve(channel, key) : connect(channel, key);
            }
        } catch (IOException e) {
            why = describe(e);
        }
        events.closed(why);
    }

    /** Waits for the connection to be made, at most CONNECT_TIMEOUT_MS; then serves it. Returns why it ended. */
    private String connect(SocketChannel channel, SelectionKey key) throws IOException {
        long deadline = System.currentTimeMillis() + CONNECT_TIMEOUT_MS;
        while (true) {
            long left = deadline - System.currentTimeMillis();
            if (closeRequested || closeAfterSending) {
                return "closed before the connection was made";
            }
            if (left <= 0) {
                return "no answer from " + hostPort() + " in " + CONNECT_TIMEOUT_MS / 1000 + " s";
            }
            selector.select(left);
            if (selected(key) && key.isConnectable() && channel.finishConnect()) {
                return serve(channel, key);
            }
        }
    }

    /** The connected link's loop: read lines, write the outbox, watch the time. Returns why it ended. */
    private String serve(SocketChannel channel, SelectionKey key) throws IOException {
        events.connected();
        lastSent = System.currentTimeMillis();
        while (true) {
            if (closeRequested || closeAfterSending && System.currentTimeMillis() >= finishBy) {
                return "closed";
            }
            // Read before the outbox is taken: finish() comes after the send() of what it is to
            // send (QUIT), so once this is seen true, that line is in the outbox. Read after, a
            // finish() between the two could close with QUIT never taken.
            boolean finishing = closeAfterSending;
            takeOutbox();
            if (!write(channel)) {
                key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            } else if (finishing) {
                return "closed";
            } else {
                key.interestOps(SelectionKey.OP_READ);
            }
            selector.select(nextTimeout());
            if (selected(key) && key.isReadable() && !read(channel)) {
                return "the server closed the connection";
            }
            keepAlive();
        }
    }

    /**
     * Whether this select() chose the key. Its ready set is only rewritten when it is chosen:
     * after a select that a wakeup (or the timeout) ended, it still says what it said the last
     * time, and a read on that word would find nothing (read = -1, EAGAIN).
     */
    private boolean selected(SelectionKey key) {
        return selector.selectedKeys().remove(key);
    }

    private void takeOutbox() {
        for (String line; (line = outbox.poll()) != null; ) {
            out.add(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
            long now = System.currentTimeMillis();
            lastSent = now;
            if (awaitingSince == 0 && !line.startsWith("ACK ")) {
                // ACK is the one line that gets no answer, so it cannot show a server to be slow.
                awaitingSince = now;
            }
        }
    }

    /** Writes what it can; true once everything queued is written. */
    private boolean write(SocketChannel channel) throws IOException {
        while (!out.isEmpty()) {
            ByteBuffer head = out.peek();
            channel.write(head);
            if (head.hasRemaining()) {
                return false;
            }
            out.poll();
        }
        return true;
    }

    /** Reads what is there and hands the complete lines to the UI; false at end of stream. */
    private boolean read(SocketChannel channel) throws IOException {
        int n = channel.read(in);
        if (n < 0) {
            return false;
        }
        if (n > 0) {
            awaitingSince = 0;
            if (waitingReported > 0) {
                waitingReported = 0;
                events.waiting(0);
            }
        }
        in.flip();
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < in.limit(); i++) {
            if (in.get(i) == '\n') {
                lines.add(decode(start, i));
                start = i + 1;
            }
        }
        if (start == 0 && in.limit() == in.capacity()) {
            lines.add(decode(0, in.limit()));
            start = in.limit();
        }
        in.position(start);
        in.compact();
        if (!lines.isEmpty()) {
            events.lines(lines);
        }
        return true;
    }

    private String decode(int from, int to) {
        int end = to > from && in.get(to - 1) == '\r' ? to - 1 : to;
        // Message texts are passed on byte for byte, invalid UTF-8 included: it shows as U+FFFD.
        return new String(in.array(), from, end - from, StandardCharsets.UTF_8);
    }

    /** Sends a PING after a long silence of ours, and reports each second the server leaves us waiting. */
    private void keepAlive() {
        long now = System.currentTimeMillis();
        if (now - lastSent >= PING_AFTER_MS && outbox.isEmpty()) {
            outbox.add("PING"); // not send(): this thread is awake, and takes it next pass
        }
        if (awaitingSince != 0) {
            int seconds = (int) ((now - awaitingSince) / 1000);
            if (now - awaitingSince >= WAITING_AFTER_MS && seconds != waitingReported) {
                waitingReported = seconds;
                events.waiting(seconds);
            }
        }
    }

    /** How long select() may sleep: until the next PING is due, or the next second of waiting is to be reported. */
    private long nextTimeout() {
        long now = System.currentTimeMillis();
        long timeout = Math.max(1, lastSent + PING_AFTER_MS - now);
        if (closeAfterSending) {
            timeout = Math.min(timeout, Math.max(1, finishBy - now));
        }
        if (awaitingSince != 0) {
            long sinceAwaiting = now - awaitingSince;
            long nextReport = Math.max(WAITING_AFTER_MS, (sinceAwaiting / 1000 + 1) * 1000);
            timeout = Math.min(timeout, Math.max(1, nextReport - sinceAwaiting));
        }
        return timeout;
    }

    String hostPort() {
        return host + ":" + port;
    }

    private String describe(IOException e) {
        String what = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof java.net.ConnectException) {
            return "could not connect to " + hostPort() + " (" + what + "): is the server running?";
        }
        return "lost the connection to " + hostPort() + " (" + what + ")";
    }
}
