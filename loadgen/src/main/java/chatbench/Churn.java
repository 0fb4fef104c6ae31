package chatbench;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * The clients of the churn and lag scenarios, for a server with a roster (step11 on):
 * observers, which stay logged in and follow the roster, and churners, which log in and out
 * again as fast as the server lets them. Each login and each logout is a change of the roster
 * that the server sends every observer, so the churners load exactly what step11 adds: keeping
 * the roster and telling everyone.
 *
 * <p>The phases, each one {@link Phase#runUntil} on one loop: the observers register and get
 * their snapshot ({@link #observe}); the churners register, once each ({@link #register}); then
 * they churn, each over and over: connect, LOGIN, QUIT at the OK, and connect again once the
 * server has closed ({@link #churn}); they stop ({@link #stop}), the roster settles
 * ({@link #settle}), and every observer asks for a fresh snapshot and compares it with what its
 * changes built ({@link #check}).
 *
 * <p>Every observer acknowledges what it has applied after each read, one ACK for the lot, so
 * it never lags on purpose; the window of 16 may still hold one back when the changes come
 * faster than its ACKs go back, and then it gets a fresh snapshot instead of what it missed.
 * A snapshot covers every change up to its version.
 *
 * <p>The delay of a change: for a {@code +} of a churner, from the churner reading its
 * {@code OK LOGIN} to the last observer reading the {@code ROSTER +} (or a snapshot that covers
 * it); for a {@code -}, from the churner reading its {@code BYE} to the last observer reading
 * the {@code ROSTER -}. Which login a change belongs to, the churner knows from the snapshot
 * it gets after its OK: a {@code +} at version v is that of the first login whose snapshot is at
 * v or later, a {@code -} at v that of the last login whose snapshot is older than v.
 */
final class Churn implements EventLoop.Handler, AutoCloseable {
    static final long SECOND = Phase.SECOND;
    /** The roster has settled when the observers are at one version and none has had a roster line for this long. */
    static final long SETTLE = SECOND / 2;
    static final long SETTLE_MAX = 30 * SECOND;
    /** How long the churners get to finish the login they are in once the churn is over. */
    static final long STOP_MAX = 30 * SECOND;
    /** How long the observers get to answer the last check, a fresh snapshot each. */
    static final long CHECK_MAX = 10 * SECOND;
    /** A time that no System.nanoTime() gives: "not yet". */
    static final long NONE = Long.MIN_VALUE;

    /** A growing array of times (or versions), NONE where nothing was put: one per login, or per version. */
    static final class Times {
        private long[] values = new long[16];
        private int size;

        void set(int i, long value) {
            if (i >= values.length) {
                int old = values.length;
                values = Arrays.copyOf(values, Math.max(i + 1, 2 * old));
                Arrays.fill(values, old, values.length, NONE);
            }
            if (i >= size) {
                Arrays.fill(values, size, i, NONE);
                size = i + 1;
            }
            values[i] = value;
        }

        void add(long value) {
            set(size, value);
        }

        long get(int i) {
            return i < size ? values[i] : NONE;
        }

        int size() {
            return size;
        }
    }

    /** Stays logged in and follows the roster; when each change since the churn began reached it. */
    private static final class Observer {
        final Connection c;
        final int user;
        boolean asked;          // its REGISTER went out
        boolean ready;          // registered, and the PONG after it came (after the snapshot, if any)
        /** By version - base: when the change (or a snapshot that covers it) arrived. */
        final Times arrived = new Times();
        /** By version - base: 1 where that was a snapshot. */
        final Times bySnapshot = new Times();
        int comparedBefore;     // the check: how many snapshots it had compared when it asked ROSTER
        int snapshotsBefore;    // ...and received, when it last asked
        int snapshotsAtCheck = -1;  // received before the check began

        Observer(Connection c, int user) {
            this.c = c;
            this.user = user;
        }
    }

    /** Logs a user in and out again, over and over; for each of its logins, what it saw. */
    private static final class Churner {
        final int user;
        final String name;
        Connection c;           // null while it waits for the next connection
        String verb = "REGISTER";
        boolean asked;          // this connection's REGISTER or LOGIN went out
        boolean loggedIn;       // this connection got its OK LOGIN, and no BYE yet
        boolean out;            // registering failed for good (taken...): it takes no part
        boolean registered;
        /** Per login: when its OK came, the version of the snapshot after it, when its BYE came (or the close). */
        final Times okAt = new Times();
        final Times snapshot = new Times();
        final Times byeAt = new Times();

        Churner(int user, String name) {
            this.user = user;
            this.name = name;
        }
    }

    /**
     * What the churn found.
     *
     * @param seconds the measured window: from the start of the churn to its end
     * @param changes the roster's versions in that window, as the observers saw them
     * @param cpuNanos the server's CPU time (user and system) in that window; -1 if unknown, cpuNote says why
     * @param delay each change's delay to the last observer (see the class comment)
     * @param delayAsLines the same, of the changes that reached every observer as a line, not in a snapshot
     * @param untimed changes no observer saw as a line (only in a snapshot), or whose login the churner could not tell
     * @param snapshotsInstead snapshots the observers got in the window instead of changes (they fell 16 behind)
     * @param violations over every observer's roster (Roster), the last check included; firstViolation says one
     * @param checked observers whose roster was compared with a fresh snapshot at its version at the end
     */
    record Outcome(int observers, int users, double seconds, long changes, long pid, long cpuNanos, String cpuNote,
                   long logins, Map<String, Integer> errors, Stats.Latency delay, Stats.Latency delayAsLines, long untimed,
                   long snapshotsInstead, long violations, String firstViolation, int checked, int observersLeft) {
        double changesPerSecond() {
            return seconds > 0 ? changes / seconds : 0;
        }

        /** Server CPU per change, in nanoseconds; -1 if unknown. */
        double cpuPerChange() {
            return cpuNanos < 0 || changes == 0 ? -1 : cpuNanos / (double) changes;
        }

        String table() {
            StringBuilder t = new StringBuilder();
            t.append(Report.f("churn: %,d observers, %,d users logging in and out, %.1f s%n%n", observers, users, seconds));
            t.append(Report.f("  roster changes/s  %,12.0f   (%,d versions in %.3f s, as the observers saw them)%n",
                    changesPerSecond(), changes, seconds));
            t.append(Report.f("  logins            %,12d%s%n", logins, errors.isEmpty() ? "" : "   not OK: " + errors));
            t.append("  delay to all      ").append(delay.count() == 0 ? "none timed\n" : Report.percentiles(delay));
            t.append(Report.f("                    over %,d changes: from the churner's OK LOGIN (or BYE) to the last%n"
                    + "                    observer's ROSTER + (or -)%s%n", delay.count(),
                    untimed == 0 ? "" : Report.f("; %,d not timed (seen only in snapshots)", untimed)));
            if (delayAsLines.count() < delay.count()) {
                t.append("    as lines only   ").append(delayAsLines.count() == 0 ? "none\n"
                        : Report.percentiles(delayAsLines));
                t.append(Report.f("                    over the %,d changes that no observer got in a snapshot instead%n",
                        delayAsLines.count()));
            }
            t.append("  server CPU        ").append(cpuNanos < 0 ? cpuNote
                    : Report.f("%,.1f µs per change (%.2f s of CPU, pid %d)", cpuPerChange() / 1e3, cpuNanos / 1e9, pid));
            t.append('\n');
            t.append(Report.f("  snapshots instead of changes  %,d   (an observer 16 changes behind gets one)%n",
                    snapshotsInstead));
            t.append(Report.f("  violations        %,12d   %s%n", violations, violations == 0
                    ? "(versions one after another, no + of a name online, no - of one offline)"
                    : "first: " + firstViolation));
            t.append(Report.f("  final check       %,d of %,d observers' rosters equal a fresh snapshot at their version%n",
                    checked, observersLeft));
            return t.toString();
        }

        String json() {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("scenario", "churn");
            j.put("observers", observers);
            j.put("users", users);
            j.put("seconds", seconds);
            j.put("changes", changes);
            j.put("changes_per_s", changesPerSecond());
            j.put("logins", logins);
            j.put("errors", new TreeMap<>(errors));
            j.put("delay_ns", delay);
            j.put("delay_as_lines_ns", delayAsLines);
            j.put("untimed", untimed);
            j.put("server_pid", pid < 0 ? null : pid);
            j.put("server_cpu_s", cpuNanos < 0 ? null : cpuNanos / 1e9);
            j.put("server_cpu_per_change_ns", cpuNanos < 0 ? null : cpuPerChange());
            j.put("cpu_note", cpuNote);
            j.put("snapshots_instead", snapshotsInstead);
            j.put("violations", violations);
            j.put("first_violation", firstViolation);
            j.put("checked", checked);
            j.put("observers_left", observersLeft);
            return Report.json(j) + "\n";
        }
    }

    private final EventLoop loop;
    private final Accounts accounts;
    private final PrintWriter progress;
    private final Map<Connection, Observer> observers = new LinkedHashMap<>();
    private final Map<Connection, Churner> churners = new HashMap<>();
    private final List<Churner> all = new ArrayList<>();
    /** Churners waiting for their next connection; work() opens them, not a handler in the middle of a read. */
    private final ArrayDeque<Churner> waiting = new ArrayDeque<>();
    /** Per version - base: the name and the kind of the change, from the first observer that saw its line. */
    private final List<String> names = new ArrayList<>();
    private final List<Boolean> added = new ArrayList<>();

    private boolean churning;   // churners reconnect when closed
    private int inFlight = Integer.MAX_VALUE;   // registering: connections open at a time
    private long base = -1;     // the version when the churn began; changes after it are timed
    private long lastRosterLine;
    private long logins;
    private final Map<String, Integer> errors = new TreeMap<>();
    private String refusal;     // an observer's first line that was no OK
    private boolean noRoster;   // an observer got the PONG after its OK without a snapshot before it

    Churn(InetSocketAddress server, Accounts accounts, PrintWriter progress) throws IOException {
        this.loop = new EventLoop(server, this);
        this.accounts = accounts;
        this.progress = progress;
    }

    EventLoop loop() {
        return loop;
    }

    /**
     * {@code k} observers connect, register ('o' users) and get their snapshot. Returns how many
     * are ready; {@link #refusal()} and {@link #noRoster()} say why one is not.
     */
    int observe(int k) throws IOException {
        long start = loop.now();
        for (int i = 0; i < k; i++) {
            Connection c = loop.connect(this);
            observers.put(c, new Observer(c, i));
        }
        Phase.runUntil(loop, start, start + Accounts.ANSWER_WAIT,
                () -> observers.values().stream().allMatch(o -> o.ready || o.c.state == Connection.State.CLOSED),
                () -> Long.MAX_VALUE,
                () -> progress.printf("observers: %d of %d ready%n", ready().size(), k));
        return ready().size();
    }

    /** The first line an observer got that was no welcome and no OK, or the error of the first failed connect; or null. */
    String refusal() {
        return refusal;
    }

    /** The server answered an observer's OK without a roster snapshot: a server of step10. */
    boolean noRoster() {
        return noRoster;
    }

    /** The highest roster version an observer has. */
    long version() {
        return ready().stream().mapToLong(o -> o.c.roster.version()).max().orElse(-1);
    }

    /** The observers ready and still connected. */
    private List<Observer> ready() {
        return observers.values().stream().filter(o -> o.ready && o.c.state == Connection.State.OPEN).toList();
    }

    /** {@code users} churners register, at most {@code inFlight} connections at a time, and quit. Returns how many did. */
    int register(int users, int inFlight) throws IOException {
        this.inFlight = inFlight;
        for (int i = 0; i < users; i++) {
            Churner ch = new Churner(i, accounts.name('u', i));
            all.add(ch);
            waiting.add(ch);
        }
        long start = loop.now();
        Phase.runUntil(loop, start, start + Accounts.ANSWER_WAIT,
                () -> waiting.isEmpty() && churners.isEmpty(), this::openWaiting,
                () -> progress.printf("churners: %,d of %,d registered%n",
                        all.stream().filter(ch -> ch.registered).count(), users));
        for (Churner ch : all) {
            ch.verb = "LOGIN";
            ch.out = ch.out || !ch.registered;
        }
        return (int) all.stream().filter(ch -> ch.registered).count();
    }

    /**
     * The churners log in and out for {@code duration}, or until the roster has moved by
     * {@code changes} versions (0: no such end) as the first observer saw it. Returns the
     * measured window, with the CPU time of the server {@code pid} in it (pid -1: unknown).
     */
    Window churn(long duration, long changes, long pid) throws IOException {
        base = version();
        Observer first = ready().get(0);
        long cpuBefore = pid >= 0 ? Proc.cpuNanos(pid) : -1;
        long start = loop.now();
        inFlight = Integer.MAX_VALUE;
        churning = true;
        for (Churner ch : all) {
            if (!ch.out) {
                waiting.add(ch);
            }
        }
        Phase.runUntil(loop, start, start + duration,
                () -> changes > 0 && first.c.roster.version() - base >= changes, this::openWaiting,
                () -> progress.printf("churn: %,d roster changes so far, %,d logins%n",
                        first.c.roster.version() - base, logins));
        long end = loop.now();
        long cpuAfter = pid >= 0 ? Proc.cpuNanos(pid) : -1;
        long seen = version() - base;
        return new Window(end - start, seen, cpuBefore < 0 || cpuAfter < 0 ? -1 : cpuAfter - cpuBefore);
    }

    /** The churn's measured window: how long, how many versions the roster moved, the server's CPU time (-1: unknown). */
    record Window(long nanos, long changes, long cpuNanos) {}

    /** The churners finish the login they are in, quit, and connect no more. */
    void stop() throws IOException {
        churning = false;
        waiting.clear();
        long start = loop.now();
        boolean done = Phase.runUntil(loop, start, start + STOP_MAX, churners::isEmpty, () -> Long.MAX_VALUE,
                () -> progress.printf("stopping: %,d churners still connected%n", churners.size()));
        if (!done) {
            for (Connection c : List.copyOf(churners.keySet())) {
                loop.close(c, "did not quit within " + STOP_MAX / SECOND + " s of the end");
            }
        }
    }

    /** Waits until every observer is at one version and no roster line has come for SETTLE. Returns that version. */
    long settle() throws IOException {
        long start = loop.now();
        lastRosterLine = start;
        Phase.runUntil(loop, start, start + SETTLE_MAX,
                () -> ready().stream().mapToLong(o -> o.c.roster.version()).distinct().count() <= 1
                        && loop.now() - lastRosterLine >= SETTLE,
                () -> lastRosterLine + SETTLE,
                () -> progress.println("settling: waiting for the observers to agree"));
        return version();
    }

    /**
     * Every observer asks ROSTER, and compares the snapshot with what its changes built (Roster
     * does, at a snapshot of its own version). A snapshot at a later version (it had fallen
     * behind) compares nothing: it asks again. Returns how many compared.
     */
    int check() throws IOException {
        List<Observer> asking = ready();
        for (Observer o : asking) {
            o.snapshotsAtCheck = o.c.roster.snapshots();
            ask(o);
        }
        long start = loop.now();
        Phase.runUntil(loop, start, start + CHECK_MAX, () -> asking.stream().allMatch(this::checked),
                () -> {
                    for (Observer o : asking) {
                        if (!checked(o) && o.c.roster.snapshots() > o.snapshotsBefore) {
                            ask(o);
                        }
                    }
                    return Long.MAX_VALUE;
                },
                () -> progress.println("checking: waiting for the observers' snapshots"));
        return (int) asking.stream().filter(o -> o.c.roster.compared() > o.comparedBefore).count();
    }

    private void ask(Observer o) {
        o.comparedBefore = o.c.roster.compared();
        o.snapshotsBefore = o.c.roster.snapshots();
        loop.writeLine(o.c, Accounts.ROSTER);
    }

    private boolean checked(Observer o) {
        return o.c.state != Connection.State.OPEN || o.c.roster.compared() > o.comparedBefore;
    }

    /** What the churn found, {@code w} being its measured window; after {@link #check}. */
    Outcome outcome(Window w, long pid, String cpuNote, int checked) {
        Histogram delays = new Histogram(Stats.MAX_LATENCY, 3);
        Histogram asLines = new Histogram(Stats.MAX_LATENCY, 3);
        long untimed = 0;
        Map<String, Churner> byName = new HashMap<>();
        for (Churner ch : all) {
            byName.put(ch.name, ch);
        }
        List<Observer> left = ready();
        for (int i = 0; i < names.size(); i++) {
            long last = NONE;
            boolean lines = true;           // it reached every observer as a line of its own
            for (Observer o : left) {
                last = Math.max(last, o.arrived.get(i));
                lines = lines && o.bySnapshot.get(i) != 1;
            }
            Churner ch = names.get(i) == null ? null : byName.get(names.get(i));
            long event = ch == null ? NONE : eventOf(ch, base + 1 + i, added.get(i));
            if (event == NONE || last == NONE) {
                untimed++;
            } else {
                long delay = Math.max(0, Math.min(last - event, Stats.MAX_LATENCY));
                delays.recordValue(delay);
                if (lines) {
                    asLines.recordValue(delay);
                }
            }
        }
        long snapshotsInstead = 0;
        long violations = 0;
        String first = null;
        for (Observer o : observers.values()) {
            if (o.c.roster == null) {
                continue;
            }
            // every snapshot before the check but the one after its REGISTER
            int beforeCheck = o.snapshotsAtCheck >= 0 ? o.snapshotsAtCheck : o.c.roster.snapshots();
            snapshotsInstead += Math.max(0, beforeCheck - 1);
            violations += o.c.roster.violations();
            first = first != null ? first : o.c.roster.firstViolation();
        }
        int unchecked = left.size() - checked;
        if (unchecked > 0 && first == null) {
            first = unchecked + " observers got no snapshot at their own version at the end";
        }
        return new Outcome(observers.size(), all.size(), w.nanos() / 1e9, w.changes(), pid, w.cpuNanos(), cpuNote,
                logins, Map.copyOf(errors), Stats.Latency.of(delays), Stats.Latency.of(asLines), untimed, snapshotsInstead,
                violations + unchecked, first, checked, left.size());
    }

    /** When the churner saw the event behind the change at {@code version}: its OK LOGIN (a +) or its BYE (a -); or NONE. */
    private static long eventOf(Churner ch, long version, boolean add) {
        int logins = ch.okAt.size();
        if (add) {
            for (int k = 0; k < logins; k++) {
                long s = ch.snapshot.get(k);
                if (s == NONE) {
                    return NONE;            // a login without its snapshot: which one it was is not known
                }
                if (s >= version) {
                    return ch.okAt.get(k);
                }
            }
            return NONE;
        }
        for (int k = logins - 1; k >= 0; k--) {
            long s = ch.snapshot.get(k);
            if (s == NONE) {
                return NONE;
            }
            if (s < version) {
                return ch.byeAt.get(k);
            }
        }
        return NONE;
    }

    /** Opens a connection for each churner that waits for one, within the in-flight limit; work() of the churner phases. */
    private long openWaiting() throws IOException {
        while (!waiting.isEmpty() && churners.size() < inFlight) {
            Churner ch = waiting.poll();
            ch.asked = false;
            ch.loggedIn = false;
            ch.c = loop.connect(this);
            if (ch.c.state != Connection.State.CLOSED) {
                churners.put(ch.c, ch);
            } else {
                waiting.add(ch);            // failed at once; tried again at the next wakeup
                return loop.now() + SECOND / 100;
            }
        }
        return Long.MAX_VALUE;
    }

    @Override
    public void line(Connection c, byte[] b, int from, int to, long arrived) {
        Observer o = observers.get(c);
        if (o != null) {
            observerLine(o, b, from, to, arrived);
            return;
        }
        Churner ch = churners.get(c);
        if (ch != null && c.state == Connection.State.OPEN) {
            churnerLine(ch, b, from, to, arrived);
        }
    }

    private void observerLine(Observer o, byte[] b, int from, int to, long arrived) {
        Connection c = o.c;
        if (c.roster != null) {
            Roster.Line l = Roster.parse(b, from, to);
            if (l != null) {
                lastRosterLine = arrived;
                long before = c.roster.version();
                c.roster.apply(l);
                if (base >= 0) {
                    arrived(o, l, before, arrived);
                }
                return;
            }
            if (!o.ready && Accounts.isPong(b, from, to)) {
                o.ready = true;
                noRoster = noRoster || c.roster.snapshots() == 0;
            }
            return;             // messages, PONG: nothing an observer needs
        }
        if (!o.asked && Codec.isGreeting(b, from, to)) {
            o.asked = true;
            loop.writeLine(c, accounts.line("REGISTER", 'o', o.user));
            return;
        }
        Accounts.Answer a = Accounts.Answer.of(b, from, to);
        if (a != null && a.ok()) {
            c.roster = new Roster();
            loop.writeLine(c, Accounts.PING);
        } else {
            refusal = refusal != null ? refusal : new String(b, from, to - from, StandardCharsets.UTF_8);
            loop.close(c, null);
        }
    }

    /** Notes when a change since the churn began reached observer {@code o}: by its own line, or by a snapshot. */
    private void arrived(Observer o, Roster.Line l, long before, long t) {
        if (l.kind() == Roster.Kind.ADD || l.kind() == Roster.Kind.REMOVE) {
            int i = (int) (l.version() - base - 1);
            if (i >= 0 && reached(o, i, t, false) && names.get(i) == null) {
                names.set(i, l.name());
                added.set(i, l.kind() == Roster.Kind.ADD);
            }
        } else if (l.kind() == Roster.Kind.END) {
            for (long v = Math.max(before, base) + 1; v <= o.c.roster.version(); v++) {
                reached(o, (int) (v - base - 1), t, true);
            }
        }
    }

    /** Change {@code i} (version base + 1 + i) reached {@code o} at {@code t}, unless it had before; true if not. */
    private boolean reached(Observer o, int i, long t, boolean bySnapshot) {
        while (names.size() <= i) {
            names.add(null);
            added.add(false);
        }
        if (o.arrived.get(i) != NONE) {
            return false;
        }
        o.arrived.set(i, t);
        if (bySnapshot) {
            o.bySnapshot.set(i, 1);
        }
        return true;
    }

    private void churnerLine(Churner ch, byte[] b, int from, int to, long arrived) {
        Connection c = ch.c;
        if (!ch.asked) {
            if (!Codec.isGreeting(b, from, to) || !churning && ch.registered) {
                loop.close(c, null);            // not welcomed; or the churn is over before it asked
                return;
            }
            ch.asked = true;
            loop.writeLine(c, accounts.line(ch.verb, 'u', ch.user));
            return;
        }
        if (ch.loggedIn) {
            Roster.Line l = Roster.parse(b, from, to);
            int k = ch.okAt.size() - 1;
            if (l != null && l.kind() == Roster.Kind.BEGIN && ch.snapshot.get(k) == NONE) {
                ch.snapshot.set(k, l.version());
            } else if (Accounts.isBye(b, from, to)) {
                ch.byeAt.set(k, arrived);
                ch.loggedIn = false;
            }
            return;
        }
        Accounts.Answer a = Accounts.Answer.of(b, from, to);
        if (a == null || !a.verb().equals(ch.verb)) {
            return;                             // the roster and BYE after a REGISTER: nothing to note
        }
        if (!a.ok()) {
            errors.merge(a.verb() + " " + a.reason(), 1, Integer::sum);
            // busy: the server is full of passwords; the next connection asks again. Anything
            // else (taken: another run's user) ends this churner's part.
            ch.out = ch.out || !a.reason().equals("busy");
        } else if (ch.verb.equals("LOGIN")) {
            logins++;
            ch.okAt.add(arrived);
            ch.snapshot.add(NONE);
            ch.byeAt.add(NONE);
            ch.loggedIn = true;
        } else {
            ch.registered = true;
        }
        loop.writeLine(c, Accounts.QUIT);       // the server answers BYE and closes
    }

    @Override
    public void afterRead(Connection c) {
        if (c.roster != null && observers.containsKey(c)) {
            Roster.acknowledge(loop, c);
        }
    }

    @Override
    public void connectFailed(Connection c, IOException e) {
        if (observers.containsKey(c) && refusal == null) {
            refusal = e.toString();
        }
    }

    @Override
    public void closed(Connection c, String why) {
        Churner ch = churners.remove(c);
        if (ch == null) {
            return;                             // an observer: ready() leaves it out from now on
        }
        if (ch.loggedIn) {                      // closed without a BYE: the close is its logout
            ch.byeAt.set(ch.okAt.size() - 1, loop.now());
        }
        ch.c = null;
        boolean again = churning ? !ch.out : !ch.registered && !ch.out;
        if (again) {
            waiting.add(ch);
        }
    }

    @Override
    public void close() throws IOException {
        loop.close();
    }
}
