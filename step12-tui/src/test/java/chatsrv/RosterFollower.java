package chatsrv;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A client that follows the roster as a chat program would (notes/protocol.md, "The roster"):
 * it applies each snapshot and each change to a set of names, acknowledges each one it has
 * applied, and writes down every break of the protocol's rules it sees instead of throwing, so
 * that a test running many of them on threads of their own can report them all at the end.
 *
 * <p>The rules it checks, on every line:
 * <ul>
 * <li>a snapshot is BEGIN v, USER lines in name order, END v count, with the same v and with
 *     count the number of USER lines, and nothing else between BEGIN and END;
 * <li>a snapshot's version never goes back, and a snapshot at the very version the changes
 *     have brought it to lists the names the changes have pieced together;
 * <li>a change comes after a snapshot, carries the version after the last one (no gap, no
 *     repeat), and makes sense: {@code +} of a name not in the set, {@code -} of one in it.
 * </ul>
 *
 * <p>One thread at a time reads through it; {@link #send} may be called from another (a test
 * telling it to stop), which is why writes go through one lock.
 */
final class RosterFollower {
    /** What a snapshot said: who was online at which version. */
    record Snapshot(long version, Set<String> names) {
    }

    final Client client;
    final String name;
    /** Who is online, as the snapshots and changes read so far say. */
    private final TreeSet<String> online = new TreeSet<>();
    /** The version the set is at; -1 before the first snapshot. */
    private long version = -1;
    private final List<String> violations = new ArrayList<>();
    private Snapshot lastSnapshot;
    /** Snapshots and changes applied so far, and of them snapshots. */
    private int applied;
    private int snapshots;
    /** Acknowledges every this many snapshots and changes (1: each one). */
    private final int ackEvery;
    /** Snapshots and changes applied since the last ACK: what the server counts as unacknowledged. */
    private int unacknowledged;
    /** The snapshot being read: its BEGIN's version and its USER lines so far; null between snapshots. */
    private Long begin;
    private List<String> users;

    /**
     * Follows the roster on {@code client}, logged in as {@code name}, acknowledging each
     * snapshot and change as soon as it has applied it; from now on it reads every line, the
     * roster's too.
     */
    RosterFollower(Client client, String name) {
        this(client, name, 1);
    }

    /**
     * A follower that acknowledges only every {@code ackEvery}-th snapshot or change (each ACK
     * covering all before it). With Roster.WINDOW, it acknowledges as late as the window allows:
     * whenever a change comes before its ACK does, the server marks it behind, and the ACK
     * brings a fresh snapshot instead of the changes. More it may not be: with WINDOW
     * unacknowledged the server sends nothing more, and it would wait for ever.
     */
    RosterFollower(Client client, String name, int ackEvery) {
        if (ackEvery < 1 || ackEvery > Roster.WINDOW) {
            throw new IllegalArgumentException("ackEvery " + ackEvery);
        }
        this.client = client.seeingRoster();
        this.name = name;
        this.ackEvery = ackEvery;
    }

    /** Sends text on the follower's connection; safe while its own thread reads and acknowledges. */
    synchronized void send(String text) throws IOException {
        client.send(text);
    }

    /**
     * Reads lines, applying and acknowledging those of the roster, until the line {@code until};
     * fails on any other line, and when the server has been silent for the client's read timeout.
     */
    void readUntil(String until) throws IOException {
        for (String line; !(line = client.readLine()).equals(until); ) {
            if (!apply(line)) {
                throw new AssertionError(name + ": expected a roster line or '" + until + "', got '" + line + "'");
            }
        }
    }

    /** Reads lines, applying them, until a whole snapshot has come, and returns it; fails on a line not the roster's. */
    Snapshot readSnapshot() throws IOException {
        Snapshot before = lastSnapshot;
        while (lastSnapshot == before) {
            String line = client.readLine();
            if (!apply(line)) {
                throw new AssertionError(name + ": expected a roster snapshot, got '" + line + "'");
            }
        }
        return lastSnapshot;
    }

    /**
     * Reads all the server has for it, once the roster has stopped changing: afterwards it has
     * applied every change up to the current version, and the server does not count it as
     * behind. Two rounds of PING suffice. The first PONG comes after every change the server had
     * sent. If the server had marked this client behind, it had sent it a whole window
     * unacknowledged, which this follower acknowledges as it reads the last of them (it counts
     * as the server does, and acknowledges at the window at the latest); that ACK, which goes
     * after the first PING, is what earns it a fresh snapshot, which comes before the second
     * PONG and asks for nothing more.
     */
    void catchUp() throws IOException {
        for (String token : new String[] {"caught-up-1", "caught-up-2"}) {
            send("PING " + token + "\n");
            readUntil("PONG " + token);
        }
    }

    /** Asks for a snapshot (ROSTER) and returns it, once it has come whole. */
    Snapshot requestSnapshot() throws IOException {
        send("ROSTER\n");
        return readSnapshot();
    }

    /**
     * Applies one line if it is the roster's, and acknowledges each snapshot and change once
     * applied, as a client that keeps up does. Returns false for a line that is not the roster's.
     */
    boolean apply(String line) throws IOException {
        if (!line.startsWith("ROSTER ")) {
            return false;
        }
        String[] w = line.split(" ", -1);
        try {
            switch (w[1]) {
                case "BEGIN" -> begin(line, w);
                case "USER" -> user(line, w);
                case "END" -> end(line, w);
                case "+", "-" -> change(line, w);
                default -> violation("an unknown roster line", line);
            }
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            violation("a malformed roster line", line);
        }
        return true;
    }

    private void begin(String line, String[] w) {
        if (begin != null) {
            violation("a BEGIN inside a snapshot", line);
        }
        begin = Long.parseLong(w[2]);
        users = new ArrayList<>();
    }

    private void user(String line, String[] w) {
        if (begin == null) {
            violation("a USER outside a snapshot", line);
            return;
        }
        if (!users.isEmpty() && users.get(users.size() - 1).compareTo(w[2]) >= 0) {
            violation("a USER out of name order, or twice", line);
        }
        users.add(w[2]);
    }

    private void end(String line, String[] w) throws IOException {
        if (begin == null) {
            violation("an END outside a snapshot", line);
            return;
        }
        long v = Long.parseLong(w[2]);
        int count = Integer.parseInt(w[3]);
        if (v != begin) {
            violation("an END whose version is not its BEGIN's (" + begin + ")", line);
        }
        if (count != users.size()) {
            violation("an END whose count is not the number of USER lines (" + users.size() + ")", line);
        }
        TreeSet<String> names = new TreeSet<>(users);
        if (v < version) {
            violation("a snapshot older than the version reached (" + version + ")", line);
        } else if (v == version && !names.equals(online)) {
            violation("a snapshot at the version reached that differs from the set pieced together " + online, line);
        }
        begin = null;
        users = null;
        online.clear();
        online.addAll(names);
        version = v;
        lastSnapshot = new Snapshot(v, Set.copyOf(names));
        snapshots++;
        unacknowledged = 0; // the server has forgotten what this one replaces: it counts from here
        acknowledge(v);
    }

    private void change(String line, String[] w) throws IOException {
        if (w.length != 4) {
            violation("a malformed roster line", line);
            return;
        }
        long v = Long.parseLong(w[2]);
        if (begin != null) {
            violation("a change inside a snapshot", line);
        }
        if (version < 0) {
            violation("a change before the first snapshot", line);
        } else if (v != version + 1) {
            violation("a change whose version is not the next after " + version, line);
        }
        boolean plus = w[1].equals("+");
        if (plus ? !online.add(w[3]) : !online.remove(w[3])) {
            violation(plus ? "a + of a name already online" : "a - of a name not online", line);
        }
        version = v;
        acknowledge(v);
    }

    private void acknowledge(long v) throws IOException {
        applied++;
        if (++unacknowledged == ackEvery) {
            send("ACK " + v + "\n");
            unacknowledged = 0;
        }
    }

    private void violation(String what, String line) {
        violations.add(name + ": " + what + ": '" + line + "'");
    }

    /** Every break of the rules seen so far. */
    List<String> violations() {
        return List.copyOf(violations);
    }

    /** The names online, as the lines read so far say. */
    Set<String> online() {
        return Set.copyOf(online);
    }

    /** The version the lines read so far have brought the set to; -1 before the first snapshot. */
    long version() {
        return version;
    }

    /** How many snapshots and changes it has applied. */
    int applied() {
        return applied;
    }

    /** How many snapshots it has applied. */
    int snapshots() {
        return snapshots;
    }
}
