package chatsrv;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The chat: what the server does with its clients and their messages, kept apart from the
 * I/O of the EventLoop and the Connection. Every client is greeted (or told the server is
 * full); every message goes to every client, its sender included, in the order the server
 * read them; a client silent for longer than --idle-timeout is closed; all are told goodbye at
 * shutdown. It decides; the loop carries out (Connection.send, Connection.close). Runs on the
 * event loop's thread.
 */
final class Chat {
    private static final Line WELCOME = Line.of("Welcome to chatsrv! Every line you send goes to everyone here.");
    private static final Line SERVER_FULL = Line.of("Sorry, chatsrv is full. Try again later.");
    private static final Line GOODBYE = Line.of("chatsrv is shutting down. Bye!");
    private static final byte[] NO_PREFIX = {};

    private final Log log;
    private final int maxClients;
    private final String fullReason;
    private final long idleTimeoutNanos;
    private final String idleReason;
    private final boolean prefix;
    private final Arena arena = new Arena();
    /**
     * Every client, with when it last sent a message (System.nanoTime()), in that order: a
     * client that speaks moves to the end, so the first is always the next to fall silent for
     * too long, and a timer only ever looks at the first.
     */
    private final LinkedHashMap<Connection, Long> members = new LinkedHashMap<>();

    Chat(Options options, Log log) {
        this.log = log;
        this.maxClients = options.maxClients();
        this.fullReason = "refused: server full (--max-clients " + maxClients + ")";
        this.idleTimeoutNanos = options.idleTimeout().toNanos(); // 0: none
        this.idleReason = "idle for " + options.idleTimeout().toMillis() + " ms (--idle-timeout)";
        this.prefix = options.prefix();
    }

    void onOpen(Connection client) {
        if (members.size() >= maxClients) {
            client.send(SERVER_FULL);
            client.close(fullReason);
            return;
        }
        members.put(client, System.nanoTime());
        client.send(WELCOME);
    }

    void onMessage(Connection from, ByteBuffer message) {
        log.info("message from %s: %s", from, Log.printable(message));
        members.remove(from);
        members.put(from, System.nanoTime());
        // Encoded once; every member's queue gets these same bytes: no copy per member.
        Line line = arena.append(prefix ? (from + ": ").getBytes(UTF_8) : NO_PREFIX, message);
        for (Connection member : members.keySet()) {
            member.send(line);
        }
    }

    /** The loop calls this as it goes through its end-of-pass list: nothing may be sent or closed from here. */
    void onClose(Connection client) {
        members.remove(client);
    }

    /**
     * Closes the clients that have sent nothing for the idle timeout. The loop calls this after
     * every pass; it returns how long until the next client would be due (Long.MAX_VALUE:
     * never), and the loop sleeps no longer than that.
     */
    long onTimer(long now) {
        if (idleTimeoutNanos == 0) {
            return Long.MAX_VALUE;
        }
        for (Iterator<Map.Entry<Connection, Long>> it = members.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Connection, Long> silentLongest = it.next();
            long silentFor = now - silentLongest.getValue(); // a difference of nanoTimes, as its javadoc asks
            if (silentFor < idleTimeoutNanos) {
                return idleTimeoutNanos - silentFor;
            }
            it.remove();
            silentLongest.getKey().close(idleReason);
        }
        return Long.MAX_VALUE;
    }

    /** The server is stopping: every member is told, then closed. */
    void onShutdown() {
        for (Connection member : members.keySet()) {
            member.send(GOODBYE);
            member.close("server shutting down");
        }
    }
}
