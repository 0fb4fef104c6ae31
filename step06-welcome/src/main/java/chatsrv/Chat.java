package chatsrv;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the server does with its clients and their messages: the application, kept apart from
 * the I/O of the EventLoop and the Connection. At this step it greets each client (or tells
 * one too many that the server is full), logs what clients send, closes those that have been
 * silent for longer than --idle-timeout, and says goodbye at shutdown. It decides; the loop
 * carries out (Connection.send, Connection.close). Runs on the event loop's thread.
 */
final class Chat {
    private static final String WELCOME = "Welcome to chatsrv!\n";
    private static final String SERVER_FULL = "Sorry, chatsrv is full. Try again later.\n";
    private static final String GOODBYE = "chatsrv is shutting down. Bye!\n";

    private final Log log;
    private final int maxClients;
    private final String fullReason;
    private final long idleTimeoutNanos;
    private final String idleReason;
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
    }

    void onOpen(Connection client) {
        if (members.size() >= maxClients) {
            client.send(UTF_8.encode(SERVER_FULL));
            client.close(fullReason);
            return;
        }
        members.put(client, System.nanoTime());
        client.send(UTF_8.encode(WELCOME));
    }

    void onMessage(Connection from, ByteBuffer message) {
        log.info("message from %s: %s", from, Log.printable(message));
        members.remove(from);
        members.put(from, System.nanoTime());
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
            member.send(UTF_8.encode(GOODBYE));
            member.close("server shutting down");
        }
    }
}
