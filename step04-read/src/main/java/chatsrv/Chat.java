package chatsrv;

import java.nio.ByteBuffer;

/**
 * What the server does with its clients' messages: the application, kept apart from the I/O
 * of the EventLoop and the Connection. At this step it only logs them. Runs on the event
 * loop's thread.
 */
final class Chat {
    private final Log log;

    Chat(Log log) {
        this.log = log;
    }

    void onMessage(Connection from, ByteBuffer message) {
        log.info("message from %s: %s", from, Log.printable(message));
    }
}
