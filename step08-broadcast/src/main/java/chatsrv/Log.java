package chatsrv;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * The server's log: one fixed-format line per event, on the stream it is given (stdout).
 * The tests read these lines, so their wording is part of the program's interface.
 *
 * <p>Lines are buffered, and the event loop flushes them once per pass: one write(2) for all
 * that a pass logged, instead of one per line, and still every line is out before the loop
 * sleeps again.
 */
final class Log {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private final PrintStream out;

    /** {@code out} should not flush by itself: see the class comment. */
    Log(PrintStream out) {
        this.out = out;
    }

    void info(String format, Object... args) {
        out.println(TIME.format(LocalTime.now()) + " " + String.format(format, args));
    }

    void flush() {
        out.flush();
    }
}
