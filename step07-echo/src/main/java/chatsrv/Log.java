package chatsrv;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * The server's log: one fixed-format line per event, on the stream it is given (stdout).
 * The tests read these lines, so their wording is part of the program's interface.
 */
final class Log {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private final PrintStream out;

    Log(PrintStream out) {
        this.out = out;
    }

    void info(String format, Object... args) {
        out.println(TIME.format(LocalTime.now()) + " " + String.format(format, args));
    }
}
