package chatsrv;

import java.nio.ByteBuffer;

/**
 * The verbs a client may start a line with (notes/protocol.md). Case does not matter on the
 * way in ("login" is LOGIN); the server always writes them in capitals.
 */
enum Verb {
    REGISTER, LOGIN, MSG, JOIN, LEAVE, ROSTER, ACK, PING, QUIT;

    private static final Verb[] ALL = values();

    /** The verb that {@code line} starts with (up to its first space), or null if it starts with none. */
    static Verb of(ByteBuffer line) {
        int end = line.position();
        while (end < line.limit() && line.get(end) != ' ') {
            end++;
        }
        int length = end - line.position();
        for (Verb v : ALL) {
            String name = v.name();
            if (name.length() == length && sameIgnoringAsciiCase(line, name)) {
                return v;
            }
        }
        return null;
    }

    private static boolean sameIgnoringAsciiCase(ByteBuffer line, String name) {
        for (int i = 0; i < name.length(); i++) {
            int b = line.get(line.position() + i);
            if ((b >= 'a' && b <= 'z' ? b - 32 : b) != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
