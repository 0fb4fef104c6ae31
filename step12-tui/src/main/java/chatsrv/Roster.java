package chatsrv;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Who is online, at which version, and what each of them has been told of it: the participant
 * list of notes/protocol.md (section "The roster"). Every login of a name not online and every
 * logout is a change, and the version grows by one with each. A user gets a snapshot as it
 * logs in, then each change as it happens, and acknowledges what it has applied (ACK).
 *
 * <p>Each user online has a Window: how far it has been sent and how far it has acknowledged.
 * A user with WINDOW changes unacknowledged is sent nothing more, only marked behind; once it
 * has acknowledged all it was sent, it gets one snapshot at the version of the moment in place
 * of what it missed. So what the server holds for a client that never reads, or never
 * acknowledges, is a Window's four fields and at most WINDOW changes in its queue, however
 * many users come and go.
 *
 * <p>Not thread-safe: the Chat's lock guards it, and every Window. The changes and the
 * snapshots are delivered by whoever holds that lock, before letting go, so they reach the
 * loop's inbox in the order of their versions and no client can see a state that never was.
 */
final class Roster {
    /** Changes a user may have unacknowledged (a snapshot counts as one) before it is sent no more. */
    static final int WINDOW = 16;

    /** What one user has been sent of the roster, and what it has acknowledged. */
    static final class Window {
        /** The version of the last snapshot sent. */
        long snapshot;
        /** The version of the last snapshot or change sent: every version from snapshot to sent went out. */
        long sent;
        /** Acknowledged up to here: snapshot - 1 until the snapshot itself is acknowledged. */
        long acked;
        /** Sent nothing since it reached WINDOW: owed one fresh snapshot once it has acknowledged all it was sent. */
        boolean behind;

        int unacknowledged() {
            return (int) (sent - acked);
        }
    }

    private final Log log;
    /** By name, in the order of names: a snapshot lists them so. */
    private final TreeMap<String, Connection> online = new TreeMap<>();
    private long version;
    /** The snapshot of the current version, made at the first asking (null until then). */
    private Line snapshot;
    /** The connections online, made again only after a change (null until then); shared by every message to everyone. */
    private Connection[] everyone;

    Roster(Log log) {
        this.log = log;
    }

    long version() {
        return version;
    }

    /** The connection logged in as {@code name}, or null. */
    Connection get(String name) {
        return online.get(name);
    }

    /** Everyone online: nobody changes the array it returns. */
    Connection[] everyone() {
        if (everyone == null) {
            everyone = online.values().toArray(new Connection[0]);
        }
        return everyone;
    }

    /**
     * {@code name}, not online, comes online on {@code c}: the next version. Returns whom to
     * tell: every user online but {@code c}, whose window has room.
     */
    Connection[] add(String name, Connection c) {
        online.put(name, c);
        return changed(c);
    }

    /**
     * The login online as {@code name} is replaced by {@code newer}, a newer login of the same
     * name. The name never went offline, so this is no change: nobody is told.
     */
    void replace(String name, Connection newer) {
        online.put(name, newer);
        everyone = null;
    }

    /**
     * {@code c} goes offline: the next version, and whom to tell. Null if c was not online as
     * name (replaced, say): no change. When the server stops, nobody is told ({@code announce}
     * false), and the version stays: a pass over every window for every user leaving would
     * make the shutdown of n users cost n * n.
     */
    Connection[] remove(String name, Connection c, boolean announce) {
        if (!online.remove(name, c)) {
            return null;
        }
        if (!announce) {
            everyone = null;
            snapshot = null;
            return new Connection[0];
        }
        return changed(c);
    }

    private Connection[] changed(Connection except) {
        version++;
        snapshot = null;
        everyone = null;
        List<Connection> told = new ArrayList<>(online.size());
        for (Connection watcher : online.values()) {
            if (watcher == except) {
                continue;
            }
            Window w = watcher.user.roster;
            if (w.behind) {
                continue;
            }
            if (w.unacknowledged() >= WINDOW) {
                w.behind = true;
                log.info("%s (%s) has %d roster changes unacknowledged: sent no more until it acknowledges them",
                        watcher, watcher.user.name, WINDOW);
                continue;
            }
            w.sent = version;
            told.add(watcher);
        }
        return told.toArray(new Connection[0]);
    }

    /** A snapshot at the current version, for the user with this window: from now on, its changes follow this. */
    Line snapshot(Window w) {
        w.snapshot = version;
        w.sent = version;
        w.acked = version - 1;
        w.behind = false;
        if (snapshot == null) {
            StringBuilder lines = new StringBuilder(32 + 24 * online.size());
            lines.append("ROSTER BEGIN ").append(version);
            for (String name : online.keySet()) {
                lines.append("\nROSTER USER ").append(name);
            }
            lines.append("\nROSTER END ").append(version).append(' ').append(online.size());
            snapshot = Line.of(lines.toString());
        }
        return snapshot;
    }

    /**
     * The user acknowledges the roster up to {@code v}. A version it was never sent (ahead of
     * what it was sent, or before its last snapshot) acknowledges nothing. Returns whether it is
     * owed a fresh snapshot now: it was behind, and has acknowledged all it was sent.
     */
    boolean ack(Window w, long v) {
        if (v > w.sent || v < w.snapshot) {
            return false;
        }
        w.acked = Math.max(w.acked, v);
        return w.behind && w.acked == w.sent;
    }
}
