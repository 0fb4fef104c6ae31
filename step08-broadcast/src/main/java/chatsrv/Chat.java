package chatsrv;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The chat: what the server does with its clients and their messages, kept apart from the
 * I/O of the EventLoop and the Connection. Every client is greeted; every message goes to
 * every client, its sender included, in the order the server read them.
 */
final class Chat {
    private static final ByteBuffer WELCOME = line("Welcome to chatsrv! Every line you send goes to everyone here.");
    private static final ByteBuffer SERVER_FULL = line("Sorry, chatsrv is full. Try again later.");
    private static final ByteBuffer GOODBYE = line("chatsrv is shutting down. Bye!");
    /** Outgoing lines are cut from direct buffers this big (see encode). */
    private static final int ARENA_SIZE = 64 * 1024;
    private static final byte[] NO_PREFIX = {};

    private final Set<Connection> members = new LinkedHashSet<>();
    private final boolean prefix;
    private final Log log;
    private ByteBuffer arena = ByteBuffer.allocateDirect(ARENA_SIZE);

    Chat(boolean prefix, Log log) {
        this.prefix = prefix;
        this.log = log;
    }

    void onOpen(Connection client) {
        members.add(client);
        client.send(WELCOME);
    }

    void onMessage(Connection from, ByteBuffer message) {
        log.info("message from %s: %s", from, printable(message));
        // Encoded once; every recipient's queue holds this same buffer: no copy per recipient.
        ByteBuffer line = encode(from, message);
        for (Connection member : members) {
            member.send(line);
        }
    }

    void onClose(Connection client) {
        members.remove(client);
    }

    void onShutdown(Connection client) {
        client.send(GOODBYE);
    }

    /** The line for a client the server has no room for; written once, so a copy of its own. */
    ByteBuffer serverFull() {
        return SERVER_FULL.duplicate();
    }

    /**
     * The message as it goes out: the sender's address if --prefix, the bytes as they came, and
     * '\n'. It is cut from a big direct buffer, the arena, rather than allocated alone: a heap
     * buffer would be copied into a temporary direct one by every write(2) to every recipient,
     * and allocating a direct buffer per message is slow. The arena's memory comes back once
     * no queue holds any line cut from it.
     */
    private ByteBuffer encode(Connection from, ByteBuffer message) {
        byte[] sender = prefix ? (from.address + ": ").getBytes(UTF_8) : NO_PREFIX;
        int size = sender.length + message.remaining() + 1;
        if (arena.remaining() < size) {
            arena = ByteBuffer.allocateDirect(ARENA_SIZE);
        }
        ByteBuffer line = arena.slice(arena.position(), size);
        arena.position(arena.position() + size);
        return line.put(sender).put(message).put((byte) '\n').clear();
    }

    private static ByteBuffer line(String text) {
        byte[] bytes = (text + "\n").getBytes(UTF_8);
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).clear();
    }

    /**
     * The message for the log: bytes that are not UTF-8 shown as U+FFFD, control characters
     * as \xNN, so that no client can break a log line or send escape codes to a terminal.
     */
    static String printable(ByteBuffer message) {
        String text = UTF_8.decode(message.duplicate()).toString();
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
