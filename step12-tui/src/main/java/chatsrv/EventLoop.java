package chatsrv;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The event loop: one thread and one Selector watch the listener and every connection. The
 * thread sleeps in select() (epoll_wait) until some socket is ready, the nearest deadline is
 * due, or another thread has handed it something; handles at most --max-events ready keys,
 * none of which can block; hands the messages it read to the workers; carries out what the
 * workers and the chat asked for (writes, then closes); and goes back to sleep. It knows
 * nothing of chat: whom to greet, whom to refuse, what to do with a message, when a client
 * has been silent too long, is the Chat's business, and runs on the workers when it can.
 *
 * <p>Only this thread touches the selector, the keys and the connections. Other threads call
 * these methods, and only these: {@link #deliver}, {@link #disconnect}, {@link #done} and
 * {@link #later} (the chat, on the workers, the hashers and the users-writer) put what they
 * ask on the inbox and wake the selector; {@link #wakeUp}
 * (a worker as it exits) only wakes it; {@link #shutdown} (a signal handler) sets a
 * flag and wakes it. The loop reads the inbox on every pass.
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
    /** How long a stopping server waits for the workers to finish what they hold. */
    private static final long WORKERS_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** Then how long it waits for those it had to interrupt, before it goes on without them. */
    private static final long INTERRUPTED_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** How many ready keys a --trace line names; it counts the rest. */
    private static final int TRACE_KEYS = 8;

    /** What other threads ask of the loop: send a line to some connections, or close one. */
    private record Delivery(Line line, Connection[] to) {
    }

    private record Disconnect(Connection connection, String why) {
    }

    /** A worker has finished with a read of this connection's (see Connection.inPool). */
    private record Done(Connection connection) {
    }

    /** A verdict for the connection's worker, to hand over once {@code delayNanos} have passed. */
    private record Later(Connection connection, Verdict verdict, long delayNanos) {
    }

    /** A Later's verdict waiting on the loop for its time (System.nanoTime()); {@code order} keeps ties in the order they came. */
    private record Due(long at, long order, Connection connection, Verdict verdict) {
    }

    /**
     * How many reads of one client the pool may hold: then the loop stops reading from it until
     * the pool has finished one. This bounds what a client can make the server hold in the pool
     * (4 reads of at most 64 KiB), and keeps one busy client from filling its worker's queue
     * for all the others that share the worker.
     */
    static final int READS_IN_POOL = 4;

    private final Selector selector;
    private final ServerSocketChannel listener;
    private final SelectionKey listenerKey;
    private final Log log;
    private final long maxPending;
    private final int maxEvents;
    private final long selectTimeoutNanos;
    private final boolean trace;
    private Chat chat;
    private Workers workers;
    /** The thread that runs the loop. Set before any task goes to a worker, so every worker sees it (see Workers). */
    private Thread thread;
    /** One read buffer for all connections: only this thread reads, one socket at a time. */
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
    private final ByteBuffer[] writeBatch = new ByteBuffer[Connection.WRITE_BATCH];
    /**
     * Connections that this pass queued output for or asked to close (Connection.send, close):
     * written once each at its end, however many lines the pass gave them, then closed if
     * asked, never in the middle of a pass.
     */
    private final List<Connection> endOfPass = new ArrayList<>();
    /**
     * Ready keys not handled yet, in the order the loop learnt they were ready (those of one
     * select in the JDK's order). A pass handles at most --max-events of them, from the
     * front; the rest wait here for the next pass, ahead of keys that become ready later, so
     * every client gets its turn.
     */
    private final Set<SelectionKey> ready = new LinkedHashSet<>();
    /** What the workers and the chat asked for (Delivery, Disconnect, Done), in the order they asked. */
    private final ConcurrentLinkedQueue<Object> inbox = new ConcurrentLinkedQueue<>();
    /**
     * Whether a wakeup is on its way: set by the first thread to post after the loop last
     * looked at the inbox, cleared by the loop just before it looks again. Whoever finds it set
     * knows the loop will see what it posted, and does not wake it again: a burst of work from
     * the workers costs one wakeup, not one per message.
     */
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    /**
     * How many times another thread woke the loop through wakeUp (the signal handler, which
     * calls selector.wakeup() itself, is not counted).
     * The JDK writes to the selector's eventfd for it, a system call, unless a wakeup is already
     * pending since the last select.
     */
    private final AtomicLong wakeups = new AtomicLong();
    /** Verdicts held back (a denied login is answered late), soonest first. */
    private final PriorityQueue<Due> due = new PriorityQueue<>((a, b) ->
            a.at() != b.at() ? Long.signum(a.at() - b.at()) : Long.compare(a.order(), b.order())); // nanoTimes: compare their difference
    private long dueOrder;
    /** Connections whose reads are held until the pool has caught up with them (see read). */
    private final List<Connection> heldForPool = new ArrayList<>();
    /** Which workers had a full queue, until they have worked it down to half (Workers.caughtUp). */
    private boolean[] workerBehind;
    /** The messages of the read in progress, or null (see read). */
    private Messages batch;
    private boolean stopping;

    private int clients;
    private long acceptBackoffNanos;
    /** When accepting resumes after a failure (System.nanoTime()), or 0 while it is not paused. */
    private long acceptResumeNanos;
    private volatile String shutdownReason;

    EventLoop(ServerSocketChannel listener, Log log, Options options) throws IOException {
        this.selector = Selector.open();
        this.listener = listener;
        this.log = log;
        this.maxPending = options.maxPending();
        this.maxEvents = options.maxEvents();
        this.selectTimeoutNanos = options.selectTimeout().isZero() ? Long.MAX_VALUE : options.selectTimeout().toNanos();
        this.trace = options.trace();
        // A selector only takes non-blocking channels: a ready socket must never make us wait.
        listener.configureBlocking(false);
        this.listenerKey = listener.register(selector, SelectionKey.OP_ACCEPT);
        loadClassesNow();
    }

    /**
     * The JVM loads a class when it is first used. From a jar that costs no descriptor (the jar
     * is open already), but from a directory of classes (as the tests and IDEs run us) reading
     * the class file takes one. These are first used at the first accept and read: if that
     * client took the last descriptor, the loop thread would die of NoClassDefFoundError. So
     * load them now, while descriptors are free (DescriptorExhaustionTest proves it).
     */
    private static void loadClassesNow() {
        try {
            for (Class<?> c : List.of(Connection.class, Connection.Sink.class, Messages.class, Delivery.class,
                    Disconnect.class, Done.class, Later.class, Due.class)) {
                Class.forName(c.getName());
            }
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Serves with this chat and this pool until {@link #shutdown} is called; then stops accepting
     * and reading, lets the workers finish what they hold (for WORKERS_GRACE_NANOS at most, then
     * interrupts them), says goodbye to every client, and returns: every worker has exited, but
     * for one that ignored the interrupt (a daemon thread, which does not keep the JVM alive).
     */
    void run(Chat chat, Workers workers) throws IOException, InterruptedException {
        this.chat = chat;
        this.workers = workers;
        this.workerBehind = new boolean[Math.max(1, workers.size())];
        this.thread = Thread.currentThread();
        long sleepNanos = Long.MAX_VALUE; // nothing is due yet
        while (shutdownReason == null) {
            sleepNanos = pass(sleepNanos);
        }
        stopping = true;
        listenerKey.cancel();
        for (SelectionKey key : selector.keys()) {
            if (key.attachment() instanceof Connection c) {
                c.holdReads(true); // a message read from here on could not be delivered before the goodbye
            }
        }
        workers.finish();
        long deadline = System.nanoTime() + WORKERS_GRACE_NANOS;
        while (!workers.finished() && deadline - System.nanoTime() > 0) {
            pass(deadline - System.nanoTime()); // deliver what the workers still hand back
        }
        if (!workers.finished()) {
            log.info("the workers did not finish within %d ms: stopping them", TimeUnit.NANOSECONDS.toMillis(WORKERS_GRACE_NANOS));
        }
        int alive = workers.stop(INTERRUPTED_GRACE_NANOS);
        if (alive > 0) {
            log.info("%d worker%s did not stop: exiting without %s", alive, alive == 1 ? "" : "s", alive == 1 ? "it" : "them");
        }
        int count = clients;
        chat.onShutdown();
        carryOutInbox();
        finishPass();
        log.info("shut down (%s): closed %d connection%s; handled %d messages in %d reads, with %d wakeups from other threads",
                shutdownReason, count, count == 1 ? "" : "s", workers.messages, workers.tasks, wakeups.get());
        log.flush();
        selector.close();
    }

    /**
     * One pass: sleep until something is ready, due or handed over (for sleepNanos at most),
     * handle what is, carry out what was asked, write, close. Returns how long the next pass
     * may sleep.
     */
    private long pass(long sleepNanos) throws IOException {
        long start = trace ? System.nanoTime() : 0;
        if (!ready.isEmpty() || !inbox.isEmpty()) {
            selector.selectNow(); // work is waiting: look for more, but do not sleep
        } else {
            selector.select(millis(Math.min(sleepNanos, selectTimeoutNanos)));
        }
        Set<SelectionKey> selected = selector.selectedKeys();
        ready.addAll(selected);
        selected.clear();
        int handling = Math.min(ready.size(), maxEvents); // the rest wait for the next pass
        if (trace) {
            trace(System.nanoTime() - start, handling);
        }
        Iterator<SelectionKey> it = ready.iterator();
        for (int i = 0; i < handling; i++) {
            SelectionKey key = it.next();
            it.remove();
            handle(key);
        }
        long now = System.nanoTime();
        long next = Math.min(chat.onTimer(now), acceptTimer(now));
        carryOutInbox();
        next = Math.min(next, handOverDue(System.nanoTime()));
        resumeHeldReads();
        finishPass();
        log.flush(); // what this pass logged, in one write(2)
        return next;
    }

    /** Asks the loop to stop. Safe from any thread. */
    void shutdown(String reason) {
        shutdownReason = reason;
        selector.wakeup();
    }

    /** Asks the loop to send {@code line} to each of {@code to} that is still open. Safe from any thread. */
    void deliver(Line line, Connection... to) {
        post(new Delivery(line, to));
    }

    /** Asks the loop to close a connection, once what is queued for it has been written. Safe from any thread. */
    void disconnect(Connection connection, String why) {
        post(new Disconnect(connection, why));
    }

    /** Tells the loop that a worker has finished with a read of this connection's, after what it asked for that read. */
    void done(Connection connection) {
        post(new Done(connection));
    }

    /**
     * Asks the loop to hand a verdict to the connection's worker (Workers.resume) once {@code delayNanos}
     * have passed: a deadline on the loop, so that nobody sleeps meanwhile. Safe from any thread.
     */
    void later(Connection connection, Verdict verdict, long delayNanos) {
        post(new Later(connection, verdict, delayNanos));
    }

    private void post(Object request) {
        inbox.add(request);
        if (Thread.currentThread() != thread) {
            wakeUp(); // the loop itself reads the inbox before it sleeps again
        }
    }

    /** Makes the loop's select() return, unless a wakeup is on its way already. Safe from any thread. */
    void wakeUp() {
        if (!wakeupPending.getAndSet(true)) {
            wakeups.incrementAndGet();
            selector.wakeup();
        }
    }

    /**
     * Carries out what the workers and the chat asked for, in the order they asked: lines go
     * onto the queues of the connections still open, closes are noted for the end of the pass.
     */
    private void carryOutInbox() {
        wakeupPending.set(false); // before reading: a request posted after this wakes the loop again
        for (Object request; (request = inbox.poll()) != null; ) {
            if (request instanceof Delivery d) {
                for (Connection c : d.to()) {
                    // Asked to close: its last line (a BYE) is queued, and nothing may follow it.
                    if (c.isOpen() && c.closeReason() == null) {
                        c.send(d.line());
                    }
                }
            } else if (request instanceof Disconnect d) {
                if (d.connection().isOpen()) {
                    d.connection().close(d.why());
                }
            } else if (request instanceof Later l) {
                if (l.delayNanos() == 0) {
                    resume(l.connection(), l.verdict());
                } else {
                    due.add(new Due(System.nanoTime() + l.delayNanos(), dueOrder++, l.connection(), l.verdict()));
                }
            } else if (request instanceof Done d) {
                Connection c = d.connection();
                c.inPool--;
                if (c.inPool == 0 && c.closeWhenDone != null && c.isOpen()) {
                    c.close(c.closeWhenDone); // its last lines are on its queue now: they go out first
                }
            }
        }
    }

    private void resume(Connection c, Verdict verdict) {
        if (c.isOpen() && c.closeReason() == null) {
            workers.resume(c, verdict);
        }
    }

    /** Hands over the verdicts whose time has come; returns how long until the next one (Long.MAX_VALUE: none). */
    private long handOverDue(long now) {
        for (Due d; (d = due.peek()) != null; ) {
            if (d.at() - now > 0) {
                return d.at() - now;
            }
            due.remove();
            resume(d.connection(), d.verdict());
        }
        return Long.MAX_VALUE;
    }

    /** A sleep for select(): whole milliseconds, rounded up (waking early would find nothing due), 0 for no limit. */
    private static long millis(long nanos) {
        return nanos == Long.MAX_VALUE ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
    }

    /**
     * Handles one ready key. It may have waited in {@code ready} for a pass or more (--max-events):
     * its connection may have been closed since, and the interest it had when it became ready
     * may have changed (reads paused or held), so what it is ready for counts only where we are
     * still interested.
     */
    private void handle(SelectionKey key) {
        if (!key.isValid()) {
            return;
        }
        int ops = key.readyOps() & key.interestOps();
        if ((ops & SelectionKey.OP_ACCEPT) != 0) {
            accept();
            return;
        }
        Connection connection = (Connection) key.attachment();
        if ((ops & SelectionKey.OP_READ) != 0) {
            read(connection);
        }
        if ((ops & SelectionKey.OP_WRITE) != 0) {
            write(connection);
        }
    }

    /**
     * The --trace line of a wakeup, before the pass handles anything: how long the loop slept,
     * the keys it is about to handle and what each is ready for, how many requests from the
     * workers wait in the inbox, and how many keys wait for a later pass (--max-events).
     */
    private void trace(long sleptNanos, int handling) {
        StringBuilder keys = new StringBuilder();
        int n = 0;
        for (Iterator<SelectionKey> it = ready.iterator(); n < Math.min(handling, TRACE_KEYS); n++) {
            SelectionKey key = it.next();
            if (key.isValid()) {
                int ops = key.readyOps() & key.interestOps();
                keys.append(keys.isEmpty() ? ": " : ", ").append(key == listenerKey ? "listener" : key.attachment())
                        .append((ops & SelectionKey.OP_ACCEPT) != 0 ? " accept" : "")
                        .append((ops & SelectionKey.OP_READ) != 0 ? " read" : "")
                        .append((ops & SelectionKey.OP_WRITE) != 0 ? " write" : "");
            }
        }
        if (handling > TRACE_KEYS) {
            keys.append(", ...");
        }
        log.info("trace: woke after %s ms, %d ready%s; inbox %d%s", String.format("%.3f", sleptNanos / 1e6), handling, keys,
                inbox.size(), ready.size() > handling ? "; " + (ready.size() - handling) + " wait for the next pass" : "");
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
                        Main.address(channel.getRemoteAddress()), workers.pick(), endOfPass);
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
        if (listenerKey.isValid() && listenerKey.interestOps() == 0) {
            listenerKey.interestOps(SelectionKey.OP_ACCEPT);
            acceptResumeNanos = 0;
        }
    }

    /**
     * Reads from a client, and hands the complete messages of that read to its worker, as one
     * task. Only when the pool may take it: with READS_IN_POOL reads of this client there
     * already, or its worker's queue full, the loop stops reading from the client until the
     * pool has caught up (resumeHeldReads), and the client's bytes wait in the kernel.
     */
    private void read(Connection connection) {
        if (connection.inPool >= READS_IN_POOL || workerBehind[connection.worker] || !workers.hasRoom(connection)) {
            if (!workerBehind[connection.worker] && !workers.hasRoom(connection)) {
                workerBehind[connection.worker] = true;
                log.info("%s has %d reads waiting: holding reads from its clients until it catches up",
                        workers.nameOf(connection), Workers.QUEUE);
            }
            connection.holdReads(true);
            heldForPool.add(connection);
            return;
        }
        try {
            boolean open = connection.read(readBuffer, this::collect);
            if (batch != null) {
                workers.submit(connection, batch);
                connection.inPool++;
                batch = null;
            }
            if (!open) {
                // read(2) returned 0: the client sent FIN. It may still read: what the pool
                // still holds of it is answered first.
                if (connection.inPool > 0) {
                    connection.closeWhenDone = "closed by peer";
                    connection.holdReads(true);
                } else {
                    connection.close("closed by peer");
                }
            }
        } catch (IOException e) {
            connection.close("failed: " + e.getMessage()); // typically ECONNRESET: the client sent RST
        }
    }

    /** Takes a message out of the read buffer, which the next read overwrites, into the read's task. */
    private void collect(Connection from, ByteBuffer message, boolean tooLong) {
        if (batch == null) {
            batch = new Messages();
        }
        batch.add(message, tooLong);
    }

    /** Reads again from the clients the pool has caught up with; not while the server stops. */
    private void resumeHeldReads() {
        if (stopping) {
            return;
        }
        for (int w = 0; w < workers.size(); w++) {
            if (workerBehind[w] && workers.caughtUp(w)) {
                workerBehind[w] = false;
                log.info("%s has caught up: reading from its clients again", workers.nameOf(w));
            }
        }
        for (Iterator<Connection> it = heldForPool.iterator(); it.hasNext(); ) {
            Connection c = it.next();
            if (!c.isOpen() || c.closeWhenDone != null) {
                it.remove();
            } else if (c.inPool < READS_IN_POOL && !workerBehind[c.worker]) {
                it.remove();
                c.holdReads(false);
            }
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
        // (reads that come back from an output pause may still be held for the pool: not logged)
        if (connection.readsPaused() != wasPaused && (connection.readsPaused() || !connection.readsHeld())) {
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
