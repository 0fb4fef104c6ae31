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
    /** Outgoing lines are appended to direct buffers this big (see encode). */
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
        // Encoded once; every recipient's queue gets these same bytes: no copy per recipient.
        int start = encode(from, message);
        for (Connection member : members) {
            member.send(arena, start, arena.position());
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
     * Appends the message as it goes out to the arena: the sender's address if --prefix, the
     * bytes as they came, and '\n'. Returns where it starts; it ends at the arena's position.
     *
     * <p>The arena is a big direct buffer that lines are appended to one after the other. Direct,
     * because the JDK copies a heap buffer into a temporary direct one on every write(2), to
     * every recipient; one buffer for many lines, because allocating a direct buffer per
     * message is slow; one after the other, so that a recipient's queue covers a whole pass's
     * lines with one view (Connection.send). When the arena is full, a new one takes over; the
     * old one's memory comes back once no queue looks at it.
     */
    private int encode(Connection from, ByteBuffer message) {
        byte[] sender = prefix ? (from.address + ": ").getBytes(UTF_8) : NO_PREFIX;
        if (arena.remaining() < sender.length + message.remaining() + 1) {
            arena = ByteBuffer.allocateDirect(ARENA_SIZE);
        }
        int start = arena.position();
        arena.put(sender).put(message).put((byte) '\n');
        return start;
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
        byte[] bytes = new byte[message.remaining()];
        message.get(message.position(), bytes);
        boolean clean = true;
        for (byte b : bytes) {
            clean &= !isControl(b); // a byte of a multi-byte UTF-8 character is never one
        }
        String text = new String(bytes, UTF_8);
        if (clean) {
            return text; // nearly every message: nothing to escape
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isControl(c)) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Bytes 0x00-0x1f and 0x7f, and the same characters. */
    private static boolean isControl(int c) {
        return c >= 0 && c < 0x20 || c == 0x7f;
    }
}
