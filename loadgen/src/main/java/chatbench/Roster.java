package chatbench;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * One client's view of the server's roster (step11 on): who is online, at which version, and
 * whether what the server sent could have happened.
 *
 * <p>The server sends a snapshot ({@code ROSTER BEGIN v}, a {@code ROSTER USER <name>} per user
 * online, {@code ROSTER END v <count>}), then each change as {@code ROSTER + v <name>} or
 * {@code ROSTER - v <name>}, and the client answers with {@code ACK v} for what it has applied.
 * A client that keeps up sees v, v+1, v+2...; one that has 16 unacknowledged gets no more
 * changes, and once it has acknowledged them all, one fresh snapshot instead of what it missed.
 *
 * <p>What a server may not do, counted as violations: a change whose version is not the one
 * after the last; a {@code +} of a name already online, a {@code -} of one who is not; a
 * snapshot older than what the client has, or whose END does not match its BEGIN and its USER
 * lines; a snapshot at the very version the client is at that lists other names than the client
 * has (the changes did not add up to the snapshot). The last one is the end-of-run check of the
 * churn scenario: after everything has settled, a fresh {@code ROSTER} must list exactly what
 * the changes built.
 */
final class Roster {
    enum Kind { BEGIN, USER, END, ADD, REMOVE }

    /**
     * One roster line: its kind, its version (-1 for USER), the name (BEGIN, END: null) and, for
     * END, the count it announces.
     */
    record Line(Kind kind, long version, String name, int count) {}

    private static final byte[] PREFIX = "ROSTER ".getBytes(StandardCharsets.US_ASCII);

    /** The roster line in {@code b[from, to)}, or null if it is another line; a malformed one is a line of kind null. */
    static Line parse(byte[] b, int from, int to) {
        int n = PREFIX.length;
        if (to - from < n + 1 || b[from] != 'R' || !new String(b, from, n, StandardCharsets.US_ASCII).equals("ROSTER ")) {
            return null;            // most lines are messages: this costs them two byte compares
        }
        String[] w = new String(b, from + n, to - from - n, StandardCharsets.UTF_8).split(" ", -1);
        try {
            return switch (w[0]) {
                case "BEGIN" -> w.length == 2 ? new Line(Kind.BEGIN, Long.parseLong(w[1]), null, -1) : BAD;
                case "USER" -> w.length == 2 ? new Line(Kind.USER, -1, w[1], -1) : BAD;
                case "END" -> w.length == 3
                        ? new Line(Kind.END, Long.parseLong(w[1]), null, Integer.parseInt(w[2])) : BAD;
                case "+", "-" -> w.length == 3
                        ? new Line(w[0].equals("+") ? Kind.ADD : Kind.REMOVE, Long.parseLong(w[1]), w[2], -1) : BAD;
                default -> BAD;
            };
        } catch (NumberFormatException e) {
            return BAD;
        }
    }

    /** A line that starts with "ROSTER " and is none of the five: a violation of its own. */
    static final Line BAD = new Line(null, -1, null, -1);

    /** The line that acknowledges everything up to {@code version}. */
    static byte[] ack(long version) {
        return ("ACK " + version + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    private Set<String> names = new HashSet<>();
    /** The snapshot being received, between its BEGIN and its END; null otherwise. */
    private Set<String> incoming;
    private long incomingVersion;
    /** The version the client has applied; -1 before the first snapshot. */
    private long version = -1;
    /** Applied a snapshot or a change since the last ACK (a snapshot at a version acknowledged before needs one too). */
    private boolean ackDue;
    private int snapshots;
    private long changes;
    /** Snapshots that came at the version the client already had, and were compared with what it had. */
    private int compared;
    private long violations;
    private String firstViolation;

    /**
     * Applies one roster line. Returns true if it completed something the client now acknowledges:
     * a snapshot's END, or a change.
     */
    boolean apply(Line l) {
        if (l.kind() == null) {
            return violation("a ROSTER line that is none of BEGIN, USER, END, + and -");
        }
        switch (l.kind()) {
            case BEGIN -> {
                if (incoming != null) {
                    violation("ROSTER BEGIN " + l.version() + " inside the snapshot " + incomingVersion);
                }
                incoming = new HashSet<>();
                incomingVersion = l.version();
                return false;
            }
            case USER -> {
                if (incoming == null) {
                    return violation("ROSTER USER " + l.name() + " outside a snapshot");
                }
                if (!incoming.add(l.name())) {
                    violation("ROSTER USER " + l.name() + " twice in the snapshot " + incomingVersion);
                }
                return false;
            }
            case END -> {
                return end(l);
            }
            case ADD, REMOVE -> {
                return change(l);
            }
        }
        return false;
    }

    private boolean end(Line l) {
        if (incoming == null) {
            return violation("ROSTER END " + l.version() + " without its BEGIN");
        }
        if (l.version() != incomingVersion || l.count() != incoming.size()) {
            violation("ROSTER END " + l.version() + " " + l.count() + " after BEGIN " + incomingVersion
                    + " and " + incoming.size() + " USER lines");
        }
        if (version >= 0 && incomingVersion < version) {
            violation("a snapshot at " + incomingVersion + " after the roster was at " + version);
        } else if (incomingVersion == version) {
            compared++;
            if (!incoming.equals(names)) {
                violation("the snapshot at " + version + " lists other users than the changes up to it left ("
                        + incoming.size() + " in the snapshot, " + names.size() + " from the changes)");
            }
        }
        names = incoming;
        incoming = null;
        version = Math.max(version, incomingVersion);
        snapshots++;
        ackDue = true;          // the server counts each snapshot until it is acknowledged, even one at a known version
        return true;
    }

    private boolean change(Line l) {
        changes++;
        if (version < 0) {
            violation("ROSTER " + (l.kind() == Kind.ADD ? "+" : "-") + " before any snapshot");
        } else if (l.version() != version + 1) {
            violation("ROSTER " + (l.kind() == Kind.ADD ? "+ " : "- ") + l.version() + " after version " + version);
        }
        boolean applied = l.kind() == Kind.ADD ? names.add(l.name()) : names.remove(l.name());
        if (!applied) {
            violation(l.kind() == Kind.ADD ? "ROSTER + of " + l.name() + ", who was online already"
                    : "ROSTER - of " + l.name() + ", who was not online");
        }
        version = Math.max(version, l.version());
        ackDue = true;
        return true;
    }

    private boolean violation(String what) {
        violations++;
        if (firstViolation == null) {
            firstViolation = what;
        }
        return false;
    }

    /** Between a snapshot's BEGIN and its END. */
    boolean inSnapshot() {
        return incoming != null;
    }

    /**
     * Sends {@code c}'s roster an ACK of everything it has applied, if it has applied anything
     * since its last ACK and a line can go out now; else it goes with a later call. One ACK covers
     * all the lines before it, so a client that calls this once per read answers a burst of
     * changes with one line.
     */
    static void acknowledge(EventLoop loop, Connection c) {
        Roster r = c.roster;
        if (r.ackDue && loop.writeLine(c, ack(r.version))) {
            r.ackDue = false;
        }
    }

    long version() {
        return version;
    }

    Set<String> names() {
        return names;
    }

    int snapshots() {
        return snapshots;
    }

    long changes() {
        return changes;
    }

    int compared() {
        return compared;
    }

    long violations() {
        return violations;
    }

    String firstViolation() {
        return firstViolation;
    }
}
