package chatbench;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The clients the bench plays, kept apart from the I/O of the EventLoop: what their lines mean
 * and what they send, and the phases of a scenario: connect and be greeted, probe the server,
 * send, drain. Each phase is one {@link Phase#runUntil} with its own condition and deadline;
 * {@link #result()} is what they counted.
 */
final class Clients implements EventLoop.Handler, AutoCloseable {
    static final long SECOND = Phase.SECOND;
    /** After sending stops, missing messages count as lost once none has arrived for this long... */
    static final long QUIET = 2 * SECOND;
    /** ...or at the latest after this long. */
    static final long DRAIN_MAX = 30 * SECOND;
    /** If only the sender got the probe back for this long, nobody else will: an echo server. */
    static final long ECHO_WAIT = SECOND;
    /** Per sender: bounds what the bench itself queues when the server does not keep up. */
    static final int OUT_BUFFER = 64 * 1024;

    /** What the probe line showed about the server. */
    record Probe(boolean echoed, boolean broadcast, int arrived, int receivers, long lastArrivalNanos) {}

    private final EventLoop loop;
    private final int size;                  // every message line is exactly this many bytes
    private final PrintWriter progress;
    private final Stats stats = new Stats();
    /** Every line is decoded into this one: the loop handles one line at a time. */
    private final Codec.Message message = new Codec.Message();
    private final List<Connection> senders = new ArrayList<>();
    private List<Connection> receivers = List.of();
    private boolean broadcast = true;        // until the probe says otherwise

    private int greeted, refused, failed, closed;
    private int settled;                     // greeted or given up on; the rest are still in flight
    private long lastSettled;
    private String refusal;
    private IOException connectError;
    private String closeReason;
    private int probeArrivals;
    private long lastDelivery;
    private long sendStart, sendEnd;
    private long sendingNanos, sentWhileSending, deliveredWhileSending, bytesInWhileSending, bytesOutWhileSending;

    Clients(InetSocketAddress server, int size, PrintWriter progress) throws IOException {
        this.loop = new EventLoop(server, this);
        this.size = size;
        this.progress = progress;
    }

    /** Greeted and not closed since. */
    int open() {
        return greeted - closed;
    }

    /**
     * Opens {@code n} connections and waits for their greetings, with at most {@code maxInFlight}
     * not yet greeted at a time: thousands of SYNs at once would overflow the server's accept
     * queue (a Java server's listen backlog is 50 by default), and a dropped SYN is retried only a
     * second later, which would be timed as a slow server. Gives up on the rest when none has
     * been greeted or refused for QUIET, after {@code timeout}, or when the first connect fails
     * before any was greeted (nobody listens).
     */
    Result connect(int n, int maxInFlight, long timeout) throws IOException {
        long start = System.nanoTime();
        lastSettled = start;
        List<Connection> started = loop.connections();
        Phase.runUntil(loop, start, start + timeout,
                () -> settled >= n || loop.now() - lastSettled >= QUIET || (greeted == 0 && connectError != null),
                () -> {
                    while (started.size() < n && started.size() - settled < maxInFlight) {
                        loop.connect();
                    }
                    return lastSettled + QUIET;
                },
                () -> progress.printf("connecting: %,d of %,d greeted%n", greeted, n));
        return result();
    }

    /**
     * Sends one line from the first greeted connection and watches who gets it back: everyone
     * (a broadcast server), only the sender (an echo server), or nobody (not a chat server).
     * The conns scenario times this line as its broadcast to all.
     */
    Probe probe(long timeout) throws IOException {
        Connection first = loop.connections().stream().filter(Connection::ready).findFirst().orElse(null);
        if (first == null) {
            return new Probe(false, false, 0, 0, -1);
        }
        ByteBuffer line = ByteBuffer.allocate(size);
        long sentAt = System.nanoTime();
        Codec.encode(line, Codec.PROBE, 0, sentAt, size);
        if (!loop.writeNow(first, line.flip())) {
            throw new IOException("could not write the probe line");
        }
        int receivers = open();
        Phase.runUntil(loop, sentAt, sentAt + timeout,
                () -> probeArrivals >= open() || onlyTheSenderHasIt(first),
                () -> probeArrivals == 1 && first.probeArrived >= 0 ? first.probeArrived + ECHO_WAIT + 1 : Long.MAX_VALUE,
                () -> progress.printf("one line to all: %,d of %,d have it%n", probeArrivals, receivers));
        long last = loop.connections().stream().mapToLong(c -> c.probeArrived).max().orElse(-1);
        broadcast = probeArrivals > 1 || receivers == 1;
        return new Probe(first.probeArrived >= 0, broadcast, probeArrivals, broadcast ? receivers : 1,
                last < 0 ? -1 : last - sentAt);
    }

    private boolean onlyTheSenderHasIt(Connection first) {
        return probeArrivals == 1 && first.probeArrived >= 0 && loop.now() - first.probeArrived > ECHO_WAIT;
    }

    /**
     * The first {@code senderCount} greeted connections send for {@code duration}: at a fixed
     * {@code rate} each, or (rate 0) as fast as a window of {@code window} unacknowledged
     * messages allows. Every greeted connection receives.
     */
    void send(int senderCount, int rate, int window, long duration) throws IOException {
        receivers = loop.connections().stream().filter(Connection::ready).toList();
        for (Connection r : receivers) {
            r.from = new Stats.SeqTracker[senderCount + 1];
            for (int id = 1; id <= senderCount; id++) {
                r.from[id] = new Stats.SeqTracker();
            }
        }
        sendStart = System.nanoTime();
        for (Connection s : receivers.subList(0, Math.min(senderCount, receivers.size()))) {
            s.senderId = senders.size() + 1;
            s.out = ByteBuffer.allocate(OUT_BUFFER);
            if (rate > 0) {
                // Senders take turns, spread evenly over one interval, like independent clients;
                // all at the same instant would be a burst that the server then has to queue.
                long interval = Stats.Schedule.perSecond(sendStart, rate).interval();
                s.schedule = new Stats.Schedule(sendStart + interval * (s.senderId - 1) / senderCount, interval);
            }
            senders.add(s);
        }
        sendEnd = sendStart + duration;
        Phase.runUntil(loop, sendStart, sendEnd, () -> false, () -> sendDue(window), this::tick);
        sendingNanos = loop.now() - sendStart;
        sentWhileSending = sent();
        deliveredWhileSending = stats.delivered;
        bytesInWhileSending = loop.bytesIn();
        bytesOutWhileSending = loop.bytesOut();
    }

    /**
     * No new messages, but what is buffered still goes out and what is on its way may still
     * arrive. A slow server is still delivering; only when nothing has come for QUIET (or at
     * DRAIN_MAX) do the messages still missing count as lost.
     */
    void drain() throws IOException {
        long start = loop.now();
        lastDelivery = start;
        Phase.runUntil(loop, start, start + DRAIN_MAX,
                () -> stats.delivered >= expectedDeliveries() || open() == 0 || loop.now() - lastDelivery >= QUIET,
                () -> {
                    sendDue(0);                 // window 0, and the schedules end at sendEnd: no new lines
                    return lastDelivery + QUIET;
                },
                this::tick);
    }

    private void tick() {
        progress.println(stats.tick((loop.now() - sendStart) / 1e9, sent()));
    }

    /** What the clients counted so far. */
    Result result() {
        return new Result(greeted, refused, refusal, failed, connectError, closed, closeReason, stats.otherLines,
                sendingNanos, sentWhileSending, deliveredWhileSending, bytesInWhileSending, bytesOutWhileSending,
                Stats.Latency.of(stats.latency()), Stats.Latency.of(stats.sendLag), senderTotals());
    }

    /** Messages sent whole: every message is exactly `size` bytes, and a write may end inside one. */
    private long sent() {
        long sent = 0;
        for (Connection s : senders) {
            sent += s.written / size;
        }
        return sent;
    }

    /** Every message sent, once for each connection that should get it. */
    private long expectedDeliveries() {
        return sent() * (broadcast ? receivers.size() : 1);
    }

    /** Per sender: sent, delivered, lost, reordered, over every receiver it should have reached. */
    private List<Stats.SenderTotals> senderTotals() {
        List<Stats.SenderTotals> totals = new ArrayList<>();
        for (Connection s : senders) {
            List<Stats.SeqTracker> at = broadcast
                    ? receivers.stream().map(r -> r.from[s.senderId]).toList()
                    : List.of(s.from[s.senderId]);
            totals.add(Stats.SenderTotals.of(s.senderId, s.written / size, at));
        }
        return totals;
    }

    /** Every open sender writes what may go now; returns when the next scheduled message falls due. */
    private long sendDue(int window) {
        long next = Long.MAX_VALUE;
        for (Connection s : senders) {
            if (s.ready()) {
                sendDue(s, window);
                if (s.schedule != null && s.out.remaining() >= size) {
                    next = Math.min(next, s.schedule.intended(s.seq));
                }
            }
        }
        return next;
    }

    /**
     * Puts every message that may go now into the sender's buffer, then writes the buffer. What
     * may go: up to the schedule (fixed rate, only lines due before sending ends), or up to the
     * acknowledged count plus the window.
     */
    private void sendDue(Connection s, int window) {
        long t = System.nanoTime();
        long limit = s.schedule != null ? s.schedule.due(Math.min(t, sendEnd - 1))
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
            loop.write(s);
        } catch (IOException e) {
            loop.close(s, e.getMessage());
        }
    }

    /** The window's ack: how many of s's messages every receiver has (on an echo server: s). */
    private long acked(Connection s) {
        if (!broadcast) {
            return s.from[s.senderId].received;
        }
        long min = Long.MAX_VALUE;
        for (Connection r : receivers) {
            if (r.ready()) {
                min = Math.min(min, r.from[s.senderId].received);
            }
        }
        return min;                      // finite: s itself is one of the open receivers
    }

    @Override
    public void line(Connection c, byte[] b, int from, int to, long arrived) {
        if (c.state == Connection.State.CLOSED) {
            return;                     // closed by an earlier line of the same read
        }
        if (!c.greeted) {
            if (Codec.isGreeting(b, from, to)) {
                c.greeted = true;
                greeted++;
                settled(arrived);
            } else {                    // e.g. a full server's one line before it closes
                refused++;
                if (refusal == null) {
                    refusal = new String(b, from, to - from, StandardCharsets.UTF_8).strip();
                }
                loop.close(c, null);
            }
            return;
        }
        Codec.Message m = message;
        if (!Codec.decode(b, from, to, size, m)) {
            stats.otherLines++;
        } else if (m.sender == Codec.PROBE) {
            if (c.probeArrived < 0) {
                c.probeArrived = arrived;
                probeArrivals++;
            }
        } else if (c.from != null && m.sender < c.from.length) {
            stats.delivered(c.from[m.sender], m.seq, m.sentNanos, arrived);
            lastDelivery = arrived;
        } else {
            stats.otherLines++;         // a message from another bench run on the same server
        }
    }

    @Override
    public void connectFailed(Connection c, IOException e) {
        if (connectError == null) {
            connectError = e;
        }
        failed++;
    }

    @Override
    public void closed(Connection c, String why) {
        if (c.greeted) {
            closed++;
            if (closeReason == null) {
                closeReason = why;
            }
        } else {
            settled(loop.now());        // refused, failed, or closed before its greeting
        }
    }

    private void settled(long when) {
        settled++;
        lastSettled = when;
    }

    @Override
    public void close() throws IOException {
        loop.close();
    }
}
