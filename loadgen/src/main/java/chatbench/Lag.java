package chatbench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The lag scenario's lagging observer: what a server with a roster (step11 on) keeps for a
 * client that stops reading. It registers, gets its snapshot, acknowledges it, and stops
 * reading, with a receive buffer of 4 KiB, while the churners make many changes. Then it reads
 * again: what arrives before it acknowledges anything is all the server and the kernel held for
 * it, and with the window of 16 that is at most 16 changes, however many there were. Then it
 * acknowledges the last one, and must get exactly one fresh snapshot, at the roster's version
 * after the last change, instead of the thousands of changes it missed.
 */
final class Lag implements EventLoop.Handler {
    /** Set before the connect, so that the kernel also holds little for it. */
    static final int RECEIVE_BUFFER = 4 * 1024;
    /** It has everything the server held for it once nothing has come for this long. */
    static final long QUIET = Phase.SECOND;
    static final long WAIT_MAX = 30 * Phase.SECOND;
    /** The server's window: changes sent and not acknowledged, a snapshot counting as one. */
    static final int WINDOW = 16;

    private enum Stage { REGISTERING, SNAPSHOT, LAGGING, ACKED }

    /**
     * What it found.
     *
     * @param changes the roster changes the churners made while it lagged, as an observer saw them
     * @param finalVersion the roster's version once everything had settled
     * @param heldBytes what it read after it stopped reading and before its next ACK; heldLines, heldChanges likewise
     * @param freshVersion the version of the snapshot after its ACK; -1 if none came
     * @param snapshots every snapshot it got, the first one included; changesReceived every change
     * @param closed why its connection ended before the end, or null if it did not
     */
    record Outcome(int observers, int users, long changes, double seconds, long finalVersion, long heldBytes,
                   long heldLines, long heldChanges, long lastHeldVersion, long freshVersion, int snapshots,
                   long changesReceived, long violations, String firstViolation, String closed) {
        /** One snapshot, at most the window's worth of changes, one fresh snapshot at least as new as the last change. */
        boolean asExpected() {
            return snapshots == 2 && changesReceived <= WINDOW && freshVersion >= finalVersion && violations == 0
                    && closed == null;
        }

        String table() {
            StringBuilder t = new StringBuilder();
            t.append(Report.f("lag: %,d observers and one that stops reading (receive buffer %,d bytes), %,d users%n"
                    + "logging in and out%n%n", observers, RECEIVE_BUFFER, users));
            t.append(Report.f("  changes while it lagged  %,d in %.3f s; the roster then at version %,d%n",
                    changes, seconds, finalVersion));
            t.append(Report.f("  held for it              %,d bytes, %,d lines, %,d changes (the last at %,d): what it read%n"
                    + "                           on reading again, before any ACK%n",
                    heldBytes, heldLines, heldChanges, lastHeldVersion));
            t.append("  after its ACK            ").append(freshVersion < 0 ? "no snapshot came"
                    : Report.f("a fresh snapshot at version %,d", freshVersion)).append('\n');
            t.append(Report.f("  in all                   %,d snapshots, %,d changes (expected: 2 snapshots, at most %d%n"
                    + "                           changes, the fresh one at version %,d or later): %s%n",
                    snapshots, changesReceived, WINDOW, finalVersion, asExpected() ? "as expected" : "NOT as expected"));
            t.append(Report.f("  violations               %,d%s%n", violations,
                    violations == 0 ? "" : "; first: " + firstViolation));
            if (closed != null) {
                t.append("  its connection ended     ").append(closed).append('\n');
            }
            return t.toString();
        }

        String json() {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("scenario", "lag");
            j.put("observers", observers);
            j.put("users", users);
            j.put("changes", changes);
            j.put("seconds", seconds);
            j.put("final_version", finalVersion);
            j.put("held_bytes", heldBytes);
            j.put("held_lines", heldLines);
            j.put("held_changes", heldChanges);
            j.put("last_held_version", lastHeldVersion);
            j.put("fresh_version", freshVersion < 0 ? null : freshVersion);
            j.put("snapshots", snapshots);
            j.put("changes_received", changesReceived);
            j.put("violations", violations);
            j.put("first_violation", firstViolation);
            j.put("closed", closed);
            j.put("as_expected", asExpected());
            return Report.json(j) + "\n";
        }
    }

    private final EventLoop loop;
    private final Accounts accounts;
    private final PrintWriter progress;
    private Connection c;
    private Stage stage = Stage.REGISTERING;
    private boolean asked;
    private String refusal;
    private long lastLine;
    private long heldBytes, heldLines, heldChanges, lastHeldVersion = -1;
    private long freshVersion = -1;

    Lag(EventLoop loop, Accounts accounts, PrintWriter progress) {
        this.loop = loop;
        this.accounts = accounts;
        this.progress = progress;
    }

    /** Connects, registers, gets the snapshot and acknowledges it, and stops reading. False if it could not; refusal() says why. */
    boolean start() throws IOException {
        c = loop.connect(this, RECEIVE_BUFFER);
        long start = loop.now();
        return Phase.runUntil(loop, start, start + Accounts.ANSWER_WAIT,
                () -> stage == Stage.LAGGING || c.state == Connection.State.CLOSED, () -> Long.MAX_VALUE,
                () -> progress.println("lagging observer: waiting for its snapshot"))
                && c.state == Connection.State.OPEN;
    }

    String refusal() {
        return refusal;
    }

    /**
     * Reads again, until nothing has come for QUIET: all that was held for it. Then acknowledges
     * the last version it got, and reads until a snapshot has come and then nothing for QUIET.
     */
    Outcome finish(int observers, int users, Churn.Window w, long finalVersion) throws IOException {
        loop.reading(c, true);
        long start = loop.now();
        lastLine = start;
        Phase.runUntil(loop, start, start + WAIT_MAX, () -> loop.now() - lastLine >= QUIET, () -> lastLine + QUIET,
                () -> progress.printf("lagging observer: %,d lines so far%n", heldLines));
        stage = Stage.ACKED;
        if (c.roster.version() >= 0) {
            loop.writeLine(c, Roster.ack(c.roster.version()));
        }
        long acked = loop.now();
        lastLine = acked;
        Phase.runUntil(loop, acked, acked + WAIT_MAX,
                () -> freshVersion >= 0 && loop.now() - lastLine >= QUIET, () -> lastLine + QUIET,
                () -> progress.println("lagging observer: waiting for a fresh snapshot"));
        Roster r = c.roster;
        return new Outcome(observers, users, w.changes(), w.nanos() / 1e9, finalVersion, heldBytes, heldLines,
                heldChanges, lastHeldVersion, freshVersion, r.snapshots(), r.changes(), r.violations(),
                r.firstViolation(), c.state == Connection.State.CLOSED ? refusal : null);
    }

    @Override
    public void line(Connection c, byte[] b, int from, int to, long arrived) {
        lastLine = arrived;
        if (c.roster == null) {
            if (!asked && Codec.isGreeting(b, from, to)) {
                asked = true;
                loop.writeLine(c, accounts.line("REGISTER", 'l', 0));
                return;
            }
            Accounts.Answer a = Accounts.Answer.of(b, from, to);
            if (a != null && a.ok()) {
                c.roster = new Roster();
                stage = Stage.SNAPSHOT;
            } else {
                refusal = new String(b, from, to - from, StandardCharsets.UTF_8);
                loop.close(c, null);
            }
            return;
        }
        if (stage == Stage.LAGGING) {           // held for it: read after it stopped reading, before its ACK
            heldLines++;
            heldBytes += to - from + 1;
        }
        Roster.Line l = Roster.parse(b, from, to);
        if (l == null) {
            return;
        }
        c.roster.apply(l);
        if (stage == Stage.LAGGING && (l.kind() == Roster.Kind.ADD || l.kind() == Roster.Kind.REMOVE)) {
            heldChanges++;
            lastHeldVersion = l.version();
        }
        if (l.kind() == Roster.Kind.END) {
            if (stage == Stage.SNAPSHOT) {
                // Acknowledged, so the server may send 16 changes more; and then nothing is read.
                Roster.acknowledge(loop, c);
                loop.reading(c, false);
                stage = Stage.LAGGING;
            } else if (stage == Stage.ACKED && freshVersion < 0) {
                freshVersion = l.version();
                Roster.acknowledge(loop, c);    // as a client would; nothing more is due then
            }
        }
    }

    @Override
    public void connectFailed(Connection c, IOException e) {
        refusal = e.toString();
    }

    @Override
    public void closed(Connection c, String why) {
        if (refusal == null) {
            refusal = why != null ? why : "closed by the bench";
        }
    }
}
