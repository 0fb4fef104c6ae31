package chatsrv;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The server's log: one fixed-format line per event, on the stream it is given (stdout).
 * The tests read these lines, so their wording is part of the program's interface.
 *
 * <p>Lines are buffered, and the event loop flushes them once per pass: one write(2) for all
 * that a pass logged, instead of one per line, and still every line is out before the loop
 * sleeps again. One thread does all the I/O, so every system call it saves is time for the
 * clients. That write blocks like any write to stdout: if whoever reads the log stops (a
 * terminal paused with Ctrl-S, a pipe into a pager), the loop waits, and every client with it.
 * Send a busy server's log to a file.
 *
 * <p>The event loop logs, and so do the workers (each message, as they handle it): info and
 * flush are synchronized, so lines from two threads never mix, and a line is whole in the
 * buffer before the loop flushes it. A worker whose line fills the buffer writes it out
 * itself, holding the lock meanwhile; so a stopped reader of the log stops the workers too.
 *
 * <p>The server logs every message, so a line must be cheap: tens of thousands a second would
 * otherwise cost a good part of the loop's one core. Hence no String.format, which parses its
 * format anew on every call, and the time formatted at most once per millisecond
 * (notes/performance.md measures both).
 */
final class Log {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private final PrintStream out;
    private final StringBuilder line = new StringBuilder(256);
    private long stampMillis = -1;
    private String stamp;

    /** {@code out} should not flush by itself: see the class comment. */
    Log(PrintStream out) {
        this.out = out;
    }

    /** Logs {@code format} with each %s or %d replaced by the next of {@code args}: the only two conversions it knows. */
    synchronized void info(String format, Object... args) {
        line.setLength(0);
        line.append(stamp()).append(' ');
        int next = 0;
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c == '%' && i + 1 < format.length() && "sd".indexOf(format.charAt(i + 1)) >= 0) {
                line.append(args[next++]);
                i++;
            } else {
                line.append(c);
            }
        }
        line.append('\n');
        byte[] bytes = line.toString().getBytes(UTF_8);
        out.write(bytes, 0, bytes.length);
    }

    synchronized void flush() {
        out.flush();
    }

    /** The time as HH:mm:ss.SSS, formatted again only when the millisecond has changed. */
    private String stamp() {
        long now = System.currentTimeMillis();
        if (now != stampMillis) {
            stampMillis = now;
            stamp = TIME.format(LocalTime.ofInstant(Instant.ofEpochMilli(now), ZoneId.systemDefault()));
        }
        return stamp;
    }

    /**
     * A client's bytes as they may appear in a log line: bytes that are not UTF-8 shown as
     * U+FFFD, control characters as \xNN. A client decides what it sends; without this, a
     * '\n' or '\r' in a message could forge a log line of its own, and an escape sequence
     * could drive the terminal of whoever reads the log. Beyond ASCII the same goes for the C1
     * controls U+0080 to U+009F (some terminals take U+009B for the start of an escape
     * sequence), and for U+2028 and U+2029, where some tools end a line.
     */
    static String printable(ByteBuffer bytes) {
        byte[] b = new byte[bytes.remaining()];
        bytes.get(bytes.position(), b);
        boolean plainAscii = true;
        for (byte x : b) {
            plainAscii &= x >= 0x20 && x < 0x7f; // a byte of a multi-byte UTF-8 character is negative
        }
        String text = new String(b, UTF_8);
        if (plainAscii) {
            return text; // nearly every message: nothing to escape
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c >= 0x7f && c <= 0x9f) {
                out.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            } else if (c == 0x2028 || c == 0x2029) {
                out.append("\\u").append(Integer.toHexString(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
