package chatsrv;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The event loop: one thread and one Selector watch the listener and every connection. The
 * thread sleeps in select() (epoll_wait) until some socket is ready, handles exactly the ready
 * ones, none of which can block, and goes back to sleep. It knows nothing of chat: what to do
 * with a message is the Chat's business.
 *
 * <p>Only this thread touches the selector, the keys and the connections.
 */
final class EventLoop {
    /** Accepts per wakeup at most (see accept). */
    private static final int ACCEPTS_PER_WAKEUP = 64;

    private final Selector selector;
    private final ServerSocketChannel listener;
    private final Chat chat;
    private final Log log;
    /** One read buffer for all connections: only this thread reads, one socket at a time. */
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);

    EventLoop(ServerSocketChannel listener, Chat chat, Log log) throws IOException {
        this.selector = Selector.open();
        this.listener = listener;
        this.chat = chat;
        this.log = log;
        // A selector only takes non-blocking channels: a ready socket must never make us wait.
        listener.configureBlocking(false);
        listener.register(selector, SelectionKey.OP_ACCEPT);
    }

    void run() throws IOException {
        while (true) {
            // Sleeps until at least one registered socket is ready, then calls handle() once per ready key.
            selector.select(this::handle);
            log.flush(); // what this pass logged, in one write(2)
        }
    }

    private void handle(SelectionKey key) {
        if (key.isAcceptable()) {
            accept();
        } else if (key.isReadable()) {
            read(key);
        }
    }

    /**
     * Takes clients off the accept queue until it is empty (accept returns null: EAGAIN), or
     * until ACCEPTS_PER_WAKEUP of them: a storm of connects must not keep the loop from the
     * clients it already has. Whatever is left keeps the listener ready, so the next select()
     * reports it again.
     */
    private void accept() {
        for (int i = 0; i < ACCEPTS_PER_WAKEUP; i++) {
            try {
                SocketChannel channel = listener.accept();
                if (channel == null) {
                    return; // the accept queue is empty
                }
                channel.configureBlocking(false);
                Connection connection = new Connection(channel.register(selector, SelectionKey.OP_READ),
                        Main.address(channel.getRemoteAddress()) + " (fd " + Fds.of(channel) + ")");
                log.info("accepted connection from %s", connection);
            } catch (IOException e) {
                // Out of descriptors (EMFILE), say: the client stays queued, the listener stays
                // ready, and the next select() returns at once to fail again, and again.
                log.info("accept failed: %s", e.getMessage());
                return;
            }
        }
    }

    private void read(SelectionKey key) {
        Connection connection = (Connection) key.attachment();
        boolean open;
        try {
            open = connection.read(readBuffer, chat::onMessage);
        } catch (IOException reset) {
            open = false;
        }
        if (!open) {
            // The client is gone. Stop watching it, or the selector would report its end of
            // stream again on every select(): a busy loop. Closing it is the next step's lesson;
            // until then its descriptor stays open and the socket sits in CLOSE_WAIT.
            key.cancel();
        }
    }
}
