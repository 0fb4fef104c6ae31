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
 *
 * <p>Against a server with accounts (the logins scenario, and the others with --accounts) each
 * client also registers once welcomed, and counts as greeted only once the server says OK and
 * has sent the roster snapshot, if it sends one (step11 on); every message goes out as
 * {@code MSG * <line>}, and comes back as {@code FROM <name> * <line>}. Each client follows the
 * roster and acknowledges every snapshot and change, so that the server never holds it back.
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

    /** Work that runs on the same loop while the senders send (the logins scenario's storm), and may end the sending. */
    interface Meanwhile {
        Meanwhile NOTHING = new Meanwhile() {};

        /** Sending starts at {@code start}, a nanoTime. */
        default void start(long start) {}

        /** What it does before each wait; says when it next needs to run (Long.MAX_VALUE: when something happens). */
        default long work() throws IOException {
            return Long.MAX_VALUE;
        }

        /** Over: the senders stop. */
        default boolean done() {
            return false;
        }

        /** Appended to each second's progress line. */
        default String progress() {
            return "";
        }
    }

    private final EventLoop loop;
    private final int size;                  // every message is exactly this many bytes, its newline included
    /** For a server with accounts: the chatters' names; null for one of Part I, where a client just talks. */
    private final Accounts accounts;
    /** Written before every message: "MSG * " with accounts, nothing without. */
    private final byte[] prefix;
    private final int lineSize;              // what a sender writes per message: the prefix and the line
    private final PrintWriter progress;
    private final Stats stats = new Stats();
    /** Every line is decoded into this one: the loop handles one line at a time. */
    private final Codec.Message message = new Codec.Message();
    private final List<Connection> senders = new ArrayList<>();
    private List<Connection> receivers = List.of();
    private boolean broadcast = true;        // until the probe says otherwise

    private int greeted, refused, failed, closed;
    private int nextChatter;                 // with accounts: REGISTERs sent so far, so the next chatter's number
    private int settled;                     // greeted or given up on; the rest are still in flight
    private long lastSettled;
    private String refusal;
    private IOException connectError;
    private String closeReason;
    private int probeArrivals;
    private long rosterLines;
    private long lastDelivery;
    private long sendStart, sendEnd;
    private long sendingNanos, sentWhileSending, deliveredWhileSending, bytesInWhileSending, bytesOutWhileSending;

    Clients(InetSocketAddress server, int size, PrintWriter progress) throws IOException {
        this(server, size, null, progress);
    }

    /** Clients of a server with accounts, if {@code accounts} is not null: each registers a user of its own. */
    Clients(InetSocketAddress server, int size, Accounts accounts, PrintWriter progress) throws IOException {
        this.loop = new EventLoop(server, this);
        this.size = size;
        this.accounts = accounts;
        this.prefix = accounts != null ? Accounts.TO_ALL : new byte[0];
        this.lineSize = prefix.length + size;
        this.progress = progress;
    }

    /** The loop, for work that shares it (the storm's connections). */
    EventLoop loop() {
        return loop;
    }

    /** Where a scenario opens its windows of time, which split the latencies by when each line was due. */
    Stats.Windows windows() {
        return stats.windows;
    }

    /** Greeted and not closed since. */
    int open() {
        return greeted - closed;
    }

    /**
     * Opens {@code n} connections and waits for their greetings (with accounts, and for their
     * registrations), with at most {@code maxInFlight} not yet greeted at a time: thousands of
     * SYNs at once would overflow the server's accept queue (a Java server's listen backlog is 50
     * by default), and a dropped SYN is retried only a second later, which would be timed as a
     * slow server. Gives up on the rest when none has
     * been greeted or refused for QUIET (with accounts, Accounts.ANSWER_WAIT: registering takes
     * a server much longer than greeting), after {@code timeout}, or when the first connect
     * fails before any was greeted (nobody listens).
     */
    Result connect(int n, int maxInFlight, long timeout) throws IOException {
        long start = System.nanoTime();
        long quiet = accounts != null ? Accounts.ANSWER_WAIT : QUIET;
        lastSettled = start;
        List<Connection> started = loop.connections();
        Phase.runUntil(loop, start, start + timeout,
                () -> settled >= n || loop.now() - lastSettled >= quiet || (greeted == 0 && connectError != null),
                () -> {
                    while (started.size() < n && started.size() - settled < maxInFlight) {
                        loop.connect();
                    }
                    return lastSettled + quiet;
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
        ByteBuffer line = ByteBuffer.allocate(lineSize).put(prefix);
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
        send(senderCount, rate, window, duration, Meanwhile.NOTHING);
    }

    /** The same, with {@code meanwhile} running on the loop too; sending ends early once it is done. */
    void send(int senderCount, int rate, int window, long duration, Meanwhile meanwhile) throws IOException {
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
            s.out = ByteBuffer.allocate(Math.max(OUT_BUFFER, lineSize));
            if (rate > 0) {
                // Senders take turns, spread evenly over one interval, like independent clients;
                // all at the same instant would be a burst that the server then has to queue.
                long interval = Stats.Schedule.perSecond(sendStart, rate).interval();
                s.schedule = new Stats.Schedule(sendStart + interval * (s.senderId - 1) / senderCount, interval);
            }
            senders.add(s);
        }
        sendEnd = sendStart + duration;
        meanwhile.start(sendStart);
        Phase.runUntil(loop, sendStart, sendEnd, meanwhile::done,
                () -> Math.min(sendDue(window), meanwhile.work()),
                () -> progress.println(tickLine() + meanwhile.progress()));
        // Ended early: no line due after now goes out, not even while draining.
        sendEnd = Math.min(sendEnd, loop.now());
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
        progress.println(tickLine());
    }

    private String tickLine() {
        return stats.tick((loop.now() - sendStart) / 1e9, sent());
    }

    /** What the clients counted so far. */
    Result result() {
        long violations = loop.connections().stream().filter(c -> c.roster != null)
                .mapToLong(c -> c.roster.violations()).sum();
        return new Result(greeted, refused, refusal, failed, connectError, closed, closeReason, stats.otherLines,
                rosterLines, violations,
                sendingNanos, sentWhileSending, deliveredWhileSending, bytesInWhileSending, bytesOutWhileSending,
                Stats.Latency.of(stats.latency()), Stats.Latency.of(stats.sendLag), senderTotals(),
                stats.windows.latencies(sendEnd));
    }

    /**
     * Whether every line due by {@code t} (a nanoTime) has reached everyone who should get it:
     * the chat has caught up with what was due by then, say by the end of a stall. Only the
     * fixed-rate senders that are still open count: a window has no due times, and a closed
     * sender's last lines never come.
     */
    boolean caughtUpWith(long t) {
        for (Connection s : senders) {
            if (s.schedule == null || !s.ready()) {
                continue;
            }
            long due = s.schedule.due(Math.min(t, sendEnd - 1));
            for (Connection r : broadcast ? receivers : List.of(s)) {
                if (r.ready() && r.from[s.senderId].received < due) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Messages sent whole: every message is exactly `lineSize` bytes, and a write may end inside one. */
    private long sent() {
        long sent = 0;
        for (Connection s : senders) {
            sent += s.written / lineSize;
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
            totals.add(Stats.SenderTotals.of(s.senderId, s.written / lineSize, at));
        }
        return totals;
    }

    /** Every open sender writes what may go now; returns when the next scheduled message falls due. */
    private long sendDue(int window) {
        long next = Long.MAX_VALUE;
        for (Connection s : senders) {
            if (s.ready()) {
                sendDue(s, window);
                if (s.schedule != null && s.out.remaining() >= lineSize) {
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
        while (s.seq < limit && s.out.remaining() >= lineSize) {
            long stamp = t;
            if (s.schedule != null) {
                stamp = s.schedule.intended(s.seq);
                stats.sending(stamp, t);
            }
            s.out.put(prefix);
            Codec.encode(s.out, s.senderId, s.seq++, stamp, size);
        }
        try {
            loop.write(s);
        } catch (IOException e) {
            loop.close(s, e.getMessage());
            return;
        }
        if (s.roster != null) {
            Roster.acknowledge(loop, s);    // an ACK that waited for the buffer to empty
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
        if (c.roster != null && roster(c, b, from, to)) {
            return;
        }
        if (!c.greeted) {
            if (c.registered) {
                if (Accounts.isPong(b, from, to)) {
                    greeted(c, arrived);    // after the OK, and after the snapshot if the server sends one
                }
            } else if (c.registering) {
                Accounts.Answer a = Accounts.Answer.of(b, from, to);
                if (a != null && a.ok()) {
                    registered(c);
                } else {        // taken, busy...; or not an answer at all: a server of Part I echoes the line
                    refuse(c, b, from, to);
                }
            } else if (!Codec.isGreeting(b, from, to)) {
                refuse(c, b, from, to);             // e.g. a full server's one line before it closes
            } else if (accounts == null) {
                greeted(c, arrived);
            } else {
                register(c);
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

    /**
     * A roster line (step11 on): applied, and not counted among the other lines; false for any
     * other line. The ACK goes after the read (afterRead), one for all the lines it brought.
     */
    private boolean roster(Connection c, byte[] b, int from, int to) {
        Roster.Line l = Roster.parse(b, from, to);
        if (l == null) {
            return false;
        }
        rosterLines++;
        c.roster.apply(l);
        return true;
    }

    @Override
    public void afterRead(Connection c) {
        if (c.roster != null) {
            Roster.acknowledge(loop, c);
        }
    }

    /**
     * Registered. A server of step11 on now sends the roster snapshot, one of step10 nothing: so
     * the client asks PING, and counts as greeted at the PONG, which comes after the snapshot if
     * there is one. From now on it follows the roster and acknowledges it, so that it never lags.
     */
    private void registered(Connection c) {
        c.registered = true;
        c.roster = new Roster();
        if (!loop.writeLine(c, Accounts.PING)) {
            loop.close(c, "could not write our PING");
        }
    }

    /** Welcomed by a server with accounts: the client registers a user of its own before it counts as greeted. */
    private void register(Connection c) {
        c.registering = true;
        byte[] line = accounts.line("REGISTER", 'c', nextChatter++);
        try {
            if (!loop.writeNow(c, ByteBuffer.wrap(line))) {     // a fresh socket's send buffer takes it whole
                loop.close(c, "the socket did not take our REGISTER line");
            }
        } catch (IOException e) {
            loop.close(c, e.toString());
        }
    }

    private void greeted(Connection c, long arrived) {
        c.greeted = true;
        greeted++;
        settled(arrived);
    }

    /** The server would not take this client: counted, its first refusal quoted, and closed. */
    private void refuse(Connection c, byte[] b, int from, int to) {
        refused++;
        if (refusal == null) {
            refusal = new String(b, from, to - from, StandardCharsets.UTF_8).strip();
        }
        loop.close(c, null);
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
