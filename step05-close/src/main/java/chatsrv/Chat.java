package chatsrv;

import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the server does with its clients and their messages: the application, kept apart from
 * the I/O of the EventLoop and the Connection. At this step it logs what clients send, and
 * closes those that have been silent for longer than --idle-timeout. It decides; the loop
 * carries out (Connection.close). Runs on the event loop's thread.
 */
final class Chat {
    private final Log log;
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
        this.idleTimeoutNanos = options.idleTimeout().toNanos(); // 0: none
        this.idleReason = "idle for " + options.idleTimeout().toMillis() + " ms (--idle-timeout)";
    }

    void onOpen(Connection client) {
        members.put(client, System.nanoTime());
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
}
