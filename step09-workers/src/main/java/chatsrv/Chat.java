package chatsrv;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The chat: what the server does with its clients and their messages, kept apart from the
 * I/O of the EventLoop and the Connection. Every client is greeted (or told the server is
 * full); every message goes to every client, its sender included; a client silent for longer
 * than --idle-timeout is closed; all are told goodbye at shutdown. It decides; the loop carries
 * out (EventLoop.deliver, EventLoop.disconnect), in the order the chat asked.
 *
 * <p>Two kinds of thread come here: the workers with messages (onMessages), the event loop's
 * with everything else. One lock, this object's, guards the members; whoever holds it asks
 * the loop for what it decided before letting go, so the loop's inbox has the decisions in the
 * order they were taken. The slow part of a message, encoding it, happens outside the lock,
 * on as many workers at once as there are.
 */
final class Chat {
    private static final Line WELCOME = Line.of("Welcome to chatsrv! Every line you send goes to everyone here.");
    private static final Line SERVER_FULL = Line.of("Sorry, chatsrv is full. Try again later.");
    private static final Line GOODBYE = Line.of("chatsrv is shutting down. Bye!");
    private static final byte[] NO_PREFIX = {};

    private final EventLoop loop;
    private final Log log;
    private final int maxClients;
    private final String fullReason;
    private final long idleTimeoutNanos;
    private final String idleReason;
    private final boolean prefix;
    /**
     * Every client, with when it last sent a message (System.nanoTime()), in that order: a
     * client that speaks moves to the end, so the first is always the next to fall silent for
     * too long, and a timer only ever looks at the first. Guarded by this.
     */
    private final LinkedHashMap<Connection, Long> members = new LinkedHashMap<>();
    /**
     * The members as an array: whom a message goes to. Made again only after someone joined or
     * left (null until then), and shared meanwhile by every message, so a message costs the
     * worker no copy of the member list; nobody changes an array once made. Guarded by this.
     */
    private Connection[] everyone;

    Chat(Options options, Log log, EventLoop loop) {
        this.loop = loop;
        this.log = log;
        this.maxClients = options.maxClients();
        this.fullReason = "refused: server full (--max-clients " + maxClients + ")";
        this.idleTimeoutNanos = options.idleTimeout().toNanos(); // 0: none
        this.idleReason = "idle for " + options.idleTimeout().toMillis() + " ms (--idle-timeout)";
        this.prefix = options.prefix();
    }

    /** Runs on the loop's thread. */
    synchronized void onOpen(Connection client) {
        if (members.size() >= maxClients) {
            loop.deliver(SERVER_FULL, client);
            loop.disconnect(client, fullReason);
            return;
        }
        members.put(client, System.nanoTime());
        everyone = null;
        loop.deliver(WELCOME, client);
    }

    /**
     * Runs on a worker: the messages of one read of {@code from}, encoded into the worker's own
     * arena, then handed to the loop for every member.
     */
    void onMessages(Connection from, Messages messages, Arena arena) {
        byte[] fromBytes = prefix ? (from + ": ").getBytes(UTF_8) : NO_PREFIX;
        // Encoded once each, one after the other: usually one Line covers them all.
        List<Line> lines = new ArrayList<>(1);
        Line last = null;
        for (int i = 0; i < messages.count(); i++) {
            ByteBuffer message = messages.get(i);
            log.info("message from %s: %s", from, Log.printable(message));
            Line line = arena.append(fromBytes, message);
            Line joined = last == null ? null : last.followedBy(line);
            if (joined == null) {
                lines.add(line);
                last = line;
            } else {
                lines.set(lines.size() - 1, joined);
                last = joined;
            }
        }
        synchronized (this) {
            // Speaking makes it the last to fall silent; a client gone meanwhile stays gone,
            // but what it said before it left is still said.
            if (members.remove(from) != null) {
                members.put(from, System.nanoTime());
            }
            if (everyone == null) {
                everyone = members.keySet().toArray(new Connection[0]);
            }
            for (Line line : lines) {
                loop.deliver(line, everyone);
            }
        }
    }

    /** Runs on the loop's thread, as it closes the connection: nothing may be sent or closed from here. */
    synchronized void onClose(Connection client) {
        if (members.remove(client) != null) {
            everyone = null;
        }
    }

    /**
     * Closes the clients that have sent nothing for the idle timeout. The loop calls this after
     * every pass, on its thread; it returns how long until the next client would be due
     * (Long.MAX_VALUE: never), and the loop sleeps no longer than that.
     *
     * <p>A client counts as silent only if the server has seen all it sent. One whose lines are
     * still with the pool, or whose reads the loop holds while the pool catches up, may well be
     * talking: the server has just not got to it. The timer counts it as heard now.
     */
    long onTimer(long now) {
        if (idleTimeoutNanos == 0) {
            return Long.MAX_VALUE;
        }
        synchronized (this) {
            List<Connection> heardNow = null; // made only if needed: this runs after every pass
            long next = Long.MAX_VALUE;
            for (Iterator<Map.Entry<Connection, Long>> it = members.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Connection, Long> silentLongest = it.next();
                long silentFor = now - silentLongest.getValue(); // a difference of nanoTimes, as its javadoc asks
                if (silentFor < idleTimeoutNanos) {
                    next = idleTimeoutNanos - silentFor;
                    break;
                }
                it.remove();
                if (silentLongest.getKey().hasUnseenInput()) { // on the loop's thread: it may ask
                    heardNow = heardNow == null ? new ArrayList<>() : heardNow;
                    heardNow.add(silentLongest.getKey());
                } else {
                    everyone = null;
                    loop.disconnect(silentLongest.getKey(), idleReason);
                }
            }
            if (heardNow != null) {
                for (Connection c : heardNow) {
                    members.put(c, now);
                }
                next = Math.min(next, idleTimeoutNanos);
            }
            return next;
        }
    }

    /** The server is stopping, and the workers have finished: every member is told, then closed. Runs on the loop's thread. */
    synchronized void onShutdown() {
        for (Connection member : members.keySet()) {
            loop.deliver(GOODBYE, member);
            loop.disconnect(member, "server shutting down");
        }
    }
}
