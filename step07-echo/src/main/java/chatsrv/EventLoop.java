package chatsrv;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The event loop: one thread and one Selector watch the listener and every connection. The
 * thread sleeps in select() (epoll_wait) until some socket is ready, handles exactly the ready
 * ones, none of which can block, and goes back to sleep. It knows nothing of chat: what to do
 * with a message is the Chat's business.
 */
final class EventLoop {
    private final Selector selector;
    private final ServerSocketChannel listener;
    private final Chat chat;
    private final Log log;

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
        }
    }

    private void handle(SelectionKey key) {
        if (key.isAcceptable()) {
            accept();
            return;
        }
        if (key.isReadable()) {
            read(key);
        }
        if (key.isValid() && key.isWritable()) {
            flush((Connection) key.attachment());
        }
    }

    private void accept() {
        try {
            SocketChannel channel = listener.accept();
            if (channel == null) {
                return; // the client gave up between the wakeup and the accept
            }
            channel.configureBlocking(false);
            Connection connection = new Connection(channel.register(selector, SelectionKey.OP_READ),
                    Main.address(channel.getRemoteAddress()) + " (fd " + Fds.of(channel) + ")");
            log.info("accepted connection from %s", connection);
            chat.onOpen(connection);
            flush(connection);
        } catch (IOException e) {
            log.info("accept failed: %s", e.getMessage());
        }
    }

    private void read(SelectionKey key) {
        Connection connection = (Connection) key.attachment();
        try {
            if (!connection.read(chat::onMessage)) {
                close(connection, "closed by peer"); // read(2) returned 0: the client sent FIN
                return;
            }
        } catch (IOException e) {
            close(connection, "failed: " + e.getMessage()); // typically ECONNRESET: the client sent RST
            return;
        }
        flush(connection);
    }

    /**
     * Writes what the connection has queued, right away: most of the time the socket takes it
     * all and we never need OP_WRITE. Only what is left waits for the socket to be writable.
     */
    private void flush(Connection connection) {
        boolean wasPaused = connection.readsPaused();
        try {
            connection.flush();
        } catch (IOException e) {
            close(connection, "failed: " + e.getMessage()); // typically EPIPE or ECONNRESET
            return;
        }
        if (connection.readsPaused() != wasPaused) {
            log.info(wasPaused ? "resuming reads from %s: %d bytes waiting to be sent"
                    : "pausing reads from %s: %d bytes waiting to be sent", connection, connection.pendingBytes());
        }
    }

    /**
     * Forgets a connection. close() also cancels its key; the JDK closes the descriptor for real
     * at the next select(), once epoll no longer watches it.
     */
    private void close(Connection connection, String why) {
        try {
            connection.channel.close();
        } catch (IOException e) {
            why += " (and close failed: " + e.getMessage() + ")";
        }
        int unfinished = connection.unfinishedBytes();
        log.info("connection terminated: %s %s%s", connection, why,
                unfinished == 0 ? "" : ", dropped " + unfinished + " bytes of an unfinished line");
    }
}
