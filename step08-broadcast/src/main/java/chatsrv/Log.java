package chatsrv;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.PrintStream;
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
 * sleeps again.
 *
 * <p>The server logs every message and every connection, so a line must be cheap: tens of
 * thousands a second would otherwise cost a good part of the loop's one core. Hence no
 * String.format, which parses its format anew on every call, and the time formatted at most
 * once per millisecond (notes/performance.md measures both).
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
    void info(String format, Object... args) {
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

    void flush() {
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
}
