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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The bench's event loop: one thread, one Selector, every connection. The same shape as the
 * server's loop, seen from the other end of the socket.
 *
 * <p>One loop, not one per core: the machine this course runs on has two cores and the server
 * under test needs them as much as the bench does; one thread also means no locks, and every
 * count below is a plain field.
 *
 * <p>A pass of the loop: senders put whatever is due into their output buffers and write it;
 * select() waits for a socket to be ready or for the next message to fall due; then each ready
 * socket is served: a connect finished, everything there is read, what was left written.
 * Reading promptly matters: a server may cut off a client that does not read.
 */
final class Loop implements AutoCloseable {
    static final long SECOND = 1_000_000_000L;
    /** After sending stops, missing messages count as lost once none has arrived for this long... */
    static final long QUIET = 2 * SECOND;
    /** ...or at the latest after this long. */
    static final long DRAIN_MAX = 30 * SECOND;
    /** If only the sender got the probe back for this long, nobody else will: an echo server. */
    static final long ECHO_WAIT = SECOND;
    /** Per sender: bounds what the bench itself queues when the server does not keep up. */
    static final int OUT_BUFFER = 64 * 1024;

    enum State { CONNECTING, GREETING, READY, CLOSED }

    /** One connection to the server. Every connection receives; a few also send. */
    static final class Conn {
        final SocketChannel channel;
        SelectionKey key;
        State state = State.CONNECTING;
        final Codec.Lines lines = new Codec.Lines();
        long probeArrived = -1;
        /** As a receiver: what arrived from each sender, by sender id (1..n; 0 is the probe). */
        Stats.SeqTracker[] from;
        /** As a sender (id 0 = not): its schedule (fixed rate), next seq, buffer, bytes written. */
        int senderId;
        Stats.Schedule schedule;
        long seq;
        ByteBuffer out;
        long written;

        Conn(SocketChannel channel) {
            this.channel = channel;
        }
    }

    /** What the probe line showed about the server. */
    record Probe(boolean echoed, boolean broadcast, int arrived, int receivers, long lastArrivalNanos) {}

    final Stats stats = new Stats();
    final List<Conn> conns = new ArrayList<>();
    final List<Conn> senders = new ArrayList<>();
    private List<Conn> receivers = List.of();
    private final InetSocketAddress server;
    private final int size;              // every message line is exactly this many bytes
    private final Selector selector;
    /** One read buffer for all connections: the loop reads one socket at a time. */
    private final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
    /** Every line is decoded into this one: the loop handles one line at a time. */
    private final Codec.Message message = new Codec.Message();
    private long now;                    // System.nanoTime() as of the last read or wakeup

    boolean broadcast = true;            // until the probe says otherwise
    int greeted, refused, failed, closedAfterGreeting;
    String refusal;                      // the line of a server that would not take us ("server full")
    IOException connectError;            // the first failed connect (ConnectException: nobody listens)
    String closeReason;                  // why the first greeted connection ended
    private int settled;                 // greeted or given up; the rest are still in flight
    private int probeArrivals;
    long runNanos;                       // how long the senders sent
    long sentInRun, deliveredInRun, bytesInInRun, bytesOutInRun;

    Loop(InetSocketAddress server, int size) throws IOException {
        this.server = server;
        this.size = size;
        this.selector = Selector.open();
    }

    int open() {
        return greeted - closedAfterGreeting;
    }

    /**
     * Opens {@code n} connections and waits for their greetings, with at most {@code maxInFlight}
     * not yet greeted at a time: thousands of SYNs at once would overflow the server's accept
     * queue (a Java server's listen backlog is 50 by default), and a dropped SYN is retried only a
     * second later, which would be timed as a slow server. Gives up on the rest when none has
     * been greeted or refused for QUIET, or after {@code timeout}.
     */
    void connect(int n, int maxInFlight, long timeout, Runnable everySecond) throws IOException {
        now = System.nanoTime();
        long deadline = now + timeout;
        long nextTick = now + SECOND;
        long lastProgress = now;
        int progress = settled;
        while (settled < n && now < deadline && now - lastProgress < QUIET
                && (greeted > 0 || connectError == null)) {   // a first connect failing: nobody listens
            while (conns.size() < n && conns.size() - settled < maxInFlight) {
                startConnect();
            }
            poll(Math.min(Math.min(deadline, nextTick), lastProgress + QUIET));
            if (settled > progress) {
                progress = settled;
                lastProgress = now;
            }
            if (now >= nextTick) {
                everySecond.run();
                nextTick += SECOND;
            }
        }
    }

    private void startConnect() throws IOException {
        Conn c = new Conn(SocketChannel.open());
        conns.add(c);
        try {
            c.channel.configureBlocking(false);
            // Small lines and a latency measurement: do not let Nagle's algorithm hold one back.
            c.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            // Non-blocking connect only sends the SYN; OP_CONNECT says when the handshake is done.
            boolean connected = c.channel.connect(server);
            c.key = c.channel.register(selector, connected ? OP_READ : OP_CONNECT, c);
            if (connected) {
                c.state = State.GREETING;
            }
        } catch (IOException e) {
            connectFailed(c, e);
        }
    }

    private void connectFailed(Conn c, IOException e) {
        if (connectError == null) {
            connectError = e;
        }
        failed++;
        close(c, e.toString());
    }

    /**
     * Sends one line from the first greeted connection and watches who gets it back: everyone
     * (a broadcast server), only the sender (an echo server), or nobody (not a chat server).
     * The conns scenario times this line as its broadcast to all.
     */
    Probe probe(long timeout) throws IOException {
        Conn first = conns.stream().filter(c -> c.state == State.READY).findFirst().orElse(null);
        if (first == null) {
            return new Probe(false, false, 0, 0, -1);
        }
        ByteBuffer line = ByteBuffer.allocate(size);
        long sentAt = System.nanoTime();
        Codec.encode(line, Codec.PROBE, 0, sentAt, size);
        first.channel.write(line.flip());
        if (line.hasRemaining()) {          // a fresh socket's send buffer takes a short line whole
            throw new IOException("could not write the probe line");
        }
        int receivers = open();
        now = sentAt;
        while (now < sentAt + timeout && probeArrivals < open()) {
            if (first.probeArrived >= 0 && probeArrivals == 1 && now - first.probeArrived > ECHO_WAIT) {
                break;
            }
            poll(Math.min(sentAt + timeout, now + SECOND / 10));
        }
        long last = conns.stream().mapToLong(c -> c.probeArrived).max().orElse(-1);
        broadcast = probeArrivals > 1 || receivers == 1;
        return new Probe(first.probeArrived >= 0, broadcast, probeArrivals, broadcast ? receivers : 1,
                last < 0 ? -1 : last - sentAt);
    }

    /**
     * The first {@code senderCount} greeted connections send for {@code duration}: at a fixed
     * {@code rate} each, or (rate 0) as fast as a window of {@code window} unacknowledged messages
     * allows. Then they stop, and the loop drains what is still on its way.
     */
    void run(int senderCount, int rate, int window, long duration, Runnable everySecond)
            throws IOException {
        receivers = conns.stream().filter(c -> c.state == State.READY).toList();
        for (Conn r : receivers) {
            r.from = new Stats.SeqTracker[senderCount + 1];
            for (int id = 1; id <= senderCount; id++) {
                r.from[id] = new Stats.SeqTracker();
            }
        }
        long start = System.nanoTime();
        for (Conn s : receivers.subList(0, Math.min(senderCount, receivers.size()))) {
            s.senderId = senders.size() + 1;
            s.out = ByteBuffer.allocate(OUT_BUFFER);
            if (rate > 0) {
                // Senders take turns, spread evenly over one interval, like independent clients;
                // all at the same instant would be a burst that the server then has to queue.
                long interval = Stats.Schedule.perSecond(start, rate).interval();
                s.schedule = new Stats.Schedule(start + interval * (s.senderId - 1) / senderCount, interval);
            }
            senders.add(s);
        }
        long end = start + duration;
        long nextTick = start + SECOND;
        now = start;
        while (now < end) {
            long wake = Math.min(end, nextTick);
            for (Conn s : senders) {
                if (s.state == State.READY) {
                    send(s, window, end);
                    if (s.schedule != null && s.out.remaining() >= size) {
                        wake = Math.min(wake, s.schedule.intended(s.seq));   // its next message
                    }
                }
            }
            poll(wake);
            if (now >= nextTick) {
                everySecond.run();
                nextTick += SECOND;
            }
        }
        runNanos = now - start;
        sentInRun = stats.sent;
        deliveredInRun = stats.delivered;
        bytesInInRun = stats.bytesIn;
        bytesOutInRun = stats.bytesOut;

        // Drain: no new messages, but what is buffered still goes out and what is on its way may
        // still arrive. A slow server is still delivering; only when nothing has come for QUIET
        // (or at DRAIN_MAX) do the messages still missing count as lost.
        long drainEnd = now + DRAIN_MAX;
        long lastDelivery = now;
        long delivered = stats.delivered;
        while (now < drainEnd && now - lastDelivery < QUIET && delivered < expectedDeliveries() && open() > 0) {
            for (Conn s : senders) {
                if (s.state == State.READY) {
                    send(s, 0, end);      // window 0, and a schedule up to the end: no new lines
                }
            }
            poll(Math.min(Math.min(drainEnd, nextTick), lastDelivery + QUIET));
            if (stats.delivered > delivered) {
                delivered = stats.delivered;
                lastDelivery = now;
            }
            if (now >= nextTick) {
                everySecond.run();
                nextTick += SECOND;
            }
        }
    }

    /** Every message sent, once for each connection that should get it. */
    private long expectedDeliveries() {
        long expected = 0;
        for (Conn s : senders) {
            expected += s.written / size * (broadcast ? receivers.size() : 1);
        }
        return expected;
    }

    /** Per sender: sent, delivered, lost, reordered, over every receiver it should have reached. */
    List<Stats.SenderTotals> senderTotals() {
        List<Stats.SenderTotals> totals = new ArrayList<>();
        for (Conn s : senders) {
            List<Stats.SeqTracker> at = broadcast
                    ? receivers.stream().map(r -> r.from[s.senderId]).toList()
                    : List.of(s.from[s.senderId]);
            // Every message is exactly `size` bytes, so whole messages written = bytes / size.
            totals.add(Stats.SenderTotals.of(s.senderId, s.written / size, at));
        }
        return totals;
    }

    /**
     * Puts every message that may go now into the sender's buffer, then writes the buffer. What
     * may go: up to the schedule (fixed rate, only lines due before {@code end}), or up to the
     * acknowledged count plus the window.
     */
    private void send(Conn s, int window, long end) {
        long t = System.nanoTime();
        long limit = s.schedule != null ? s.schedule.due(Math.min(t, end - 1))
                : window > 0 ? acked(s) + window : s.seq;
        while (s.seq < limit && s.out.remaining() >= size) {
            long stamp = t;
            if (s.schedule != null) {
                stamp = s.schedule.intended(s.seq);
                stats.sending(stamp, t);
            }
            Codec.encode(s.out, s.senderId, s.seq++, stamp, size);
        }
        try {
            flush(s);
        } catch (IOException e) {
            close(s, e.getMessage());
        }
    }

    /** The window's ack: how many of s's messages every receiver has (on an echo server: s). */
    private long acked(Conn s) {
        if (!broadcast) {
            return s.from[s.senderId].received;
        }
        long min = Long.MAX_VALUE;
        for (Conn r : receivers) {
            if (r.state == State.READY) {
                min = Math.min(min, r.from[s.senderId].received);
            }
        }
        return min;                      // finite: s itself is one of the open receivers
    }

    /**
     * Writes what the sender's buffer holds, and asks for OP_WRITE only while something is left:
     * in a level-triggered loop, OP_WRITE left on with nothing to write wakes select() at once,
     * forever.
     */
    private void flush(Conn s) throws IOException {
        s.out.flip();
        int n = s.channel.write(s.out);
        s.out.compact();
        stats.bytesOut += n;
        // A write may end inside a message; a message counts as sent once its last byte is written.
        stats.sent += (s.written + n) / size - s.written / size;
        s.written += n;
        s.key.interestOps(s.out.position() > 0 ? OP_READ | OP_WRITE : OP_READ);
    }

    /**
     * One wait for events, until {@code until} at the latest, then every ready socket served.
     * select() counts whole milliseconds, so the wait is rounded up: a fixed-rate sender may
     * write up to a millisecond late (the report shows by how much). Being on time to the
     * microsecond would take polling in a busy loop, a core that the server needs.
     */
    private void poll(long until) throws IOException {
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
        Conn c = (Conn) key.attachment();
        try {
            if (key.isValid() && key.isConnectable()) {
                try {
                    c.channel.finishConnect();          // throws if the handshake failed
                } catch (IOException e) {
                    connectFailed(c, e);
                    return;
                }
                c.state = State.GREETING;
                key.interestOps(OP_READ);
            }
            if (key.isValid() && key.isReadable()) {
                read(c);
            }
            if (key.isValid() && key.isWritable()) {
                flush(c);
            }
        } catch (IOException e) {
            close(c, e.toString());
        }
    }

    private void read(Conn c) throws IOException {
        in.clear();
        int n = c.channel.read(in);
        now = System.nanoTime();        // once per read, not per line: the lines arrived together
        if (n < 0) {
            close(c, "the server closed the connection");
            return;
        }
        stats.bytesIn += n;
        c.lines.feed(in.array(), 0, n, (b, from, to) -> line(c, b, from, to));
    }

    private void line(Conn c, byte[] b, int from, int to) {
        if (c.state == State.GREETING) {
            if (Codec.isGreeting(b, from, to)) {
                c.state = State.READY;
                greeted++;
                settled++;
            } else {                    // e.g. a full server's one line before it closes
                refused++;
                if (refusal == null) {
                    refusal = new String(b, from, to - from, StandardCharsets.UTF_8).strip();
                }
                close(c, null);
            }
            return;
        }
        if (c.state != State.READY) {
            return;                     // closed by an earlier line of the same read
        }
        Codec.Message m = message;
        if (!Codec.decode(b, from, to, size, m)) {
            stats.otherLines++;
        } else if (m.sender == Codec.PROBE) {
            if (c.probeArrived < 0) {
                c.probeArrived = now;
                probeArrivals++;
            }
        } else if (c.from != null && m.sender < c.from.length) {
            stats.delivered(c.from[m.sender], m.seq, m.sentNanos, now);
        } else {
            stats.otherLines++;         // a message from another bench run on the same server
        }
    }

    /** Closes a connection for good; {@code why} is kept for the report (null: refused, already counted). */
    private void close(Conn c, String why) {
        if (c.state == State.CLOSED) {
            return;
        }
        if (c.state == State.READY) {
            closedAfterGreeting++;
            if (closeReason == null) {
                closeReason = why;
            }
        } else {
            settled++;
        }
        c.state = State.CLOSED;
        if (c.key != null) {
            c.key.cancel();
        }
        try {
            c.channel.close();
        } catch (IOException ignored) {
            // closing: nothing left to do with it
        }
    }

    @Override
    public void close() throws IOException {
        for (Conn c : conns) {
            c.channel.close();
        }
        selector.close();
    }
}
