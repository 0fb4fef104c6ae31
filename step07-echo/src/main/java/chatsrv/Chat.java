package chatsrv;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;

/**
 * What the server does with its clients and their messages: the application, kept apart from
 * the I/O of the EventLoop and the Connection. At this step it greets each client, logs what
 * they send, and sends each line back to its sender.
 */
final class Chat {
    private final Log log;

    Chat(Log log) {
        this.log = log;
    }

    void onOpen(Connection client) {
        client.send(UTF_8.encode("Welcome to chatsrv!\n"));
    }

    void onMessage(Connection from, ByteBuffer message) {
        log.info("message from %s: %s", from, UTF_8.decode(message.duplicate()));
        from.send(ByteBuffer.allocate(message.remaining() + 1).put(message).put((byte) '\n').flip());
    }
}
