package chatsrv;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.function.BiConsumer;

/**
 * One client: its socket, its key in the selector, and the bytes of a line that has not fully
 * arrived yet. TCP delivers a stream of bytes, not messages: one read may bring half a line,
 * or many lines, or the end of one and the start of the next. This class cuts the stream into
 * messages at '\n'.
 */
final class Connection {
    /** The longest message; a longer line is cut into messages of this size. */
    static final int MAX_MESSAGE = 1024;

    final SocketChannel channel;
    private final String name;
    /**
     * What read(2) gives us. Between two reads it holds only the start of an unfinished line,
     * at most MAX_MESSAGE bytes, so there is always room for more: the buffer never grows.
     */
    private final ByteBuffer in = ByteBuffer.allocate(4 * MAX_MESSAGE);

    Connection(SelectionKey key, String name) {
        this.channel = (SocketChannel) key.channel();
        this.name = name;
        key.attach(this);
    }

    /**
     * Reads what has arrived and hands every complete message to {@code onMessage}, without its
     * '\n'. The message buffer is only valid during the call. Returns false at end of stream.
     */
    boolean read(BiConsumer<Connection, ByteBuffer> onMessage) throws IOException {
        int scanned = in.position(); // the bytes before this hold no '\n': the last read looked at them
        if (channel.read(in) < 0) {
            return false;
        }
        int start = 0;
        for (int i = scanned; i < in.position(); i++) {
            if (in.get(i) == '\n') {
                onMessage.accept(this, in.slice(start, i - start));
                start = i + 1;
            } else if (i - start == MAX_MESSAGE) {
                // byte i would make the line too long: what comes before it is a message of its own
                onMessage.accept(this, in.slice(start, MAX_MESSAGE));
                start = i;
            }
        }
        in.flip().position(start);
        in.compact(); // keep the unfinished line, moved to the front
        return true;
    }

    /** How many bytes of an unfinished line are waiting for the rest of it. */
    int unfinishedBytes() {
        return in.position();
    }

    @Override
    public String toString() {
        return name;
    }
}
