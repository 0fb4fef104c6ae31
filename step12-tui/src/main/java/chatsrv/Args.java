package chatsrv;

import java.time.Duration;

/**
 * Reads a command line one option at a time: {@code --name value}, {@code --name=value} or
 * {@code -n value}. What the options are, and what their values mean, is up to the caller (see
 * Options): this class only walks the arguments and turns a value that cannot be used into a
 * one-line {@link UsageException}. Used by main, before anything else.
 */
final class Args {
    /** A command line that cannot be used. The message says why, in one line. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message, null, false, false);
        }
    }

    /** The longest time a duration() may give: what fits in a long of nanoseconds, about 292 years. */
    private static final Duration LONGEST = Duration.ofNanos(Long.MAX_VALUE);

    private final String[] args;
    private int next;
    private String name;
    private String inlineValue;

    Args(String[] args) {
        this.args = args;
    }

    boolean hasNext() {
        return next < args.length;
    }

    /** Moves to the next option and returns its name: "--port" for both "--port 0" and "--port=0". */
    String next() {
        String arg = args[next++];
        int equals = arg.indexOf('=');
        if (arg.startsWith("--") && equals > 0) {
            name = arg.substring(0, equals);
            inlineValue = arg.substring(equals + 1);
        } else {
            name = arg;
            inlineValue = null;
        }
        return name;
    }

    /** The current option's value: after its '=', or else the next argument. */
    String value() throws UsageException {
        if (inlineValue != null) {
            return inlineValue;
        }
        if (next == args.length) {
            throw new UsageException(name + " needs a value");
        }
        return args[next++];
    }

    /** The current option's value as a whole number from min to max. */
    int number(int min, int max) throws UsageException {
        String value = value();
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below, with the range
        }
        throw new UsageException(name + " needs a number from " + min + " to " + max + ", not '" + value + "'");
    }

    /** The current option's value as a time: 30s, 10m, 500ms, 2h, or a bare number of seconds. */
    Duration duration() throws UsageException {
        String value = value();
        int digits = leadingDigits(value);
        Duration time = null;
        if (digits > 0) {
            long n = Long.parseLong(value.substring(0, digits));
            time = switch (value.substring(digits)) {
                case "ms" -> Duration.ofMillis(n);
                case "", "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> null;
            };
        }
        if (time == null) {
            throw new UsageException(name + " needs a time like 30s, 10m or 500ms, not '" + value + "'");
        }
        if (time.compareTo(LONGEST) > 0) { // the loop counts time in nanoseconds, in a long
            throw new UsageException(name + " can be at most " + LONGEST.toHours() + "h, not '" + value + "'");
        }
        return time;
    }

    /** The current option's value as a number of bytes: 65536, 64k or 1m. */
    long size() throws UsageException {
        String value = value();
        int digits = leadingDigits(value);
        if (digits > 0) {
            long n = Long.parseLong(value.substring(0, digits));
            switch (value.substring(digits)) {
                case "" -> {
                    return n;
                }
                case "k" -> {
                    return n << 10;
                }
                case "m" -> {
                    return n << 20;
                }
                default -> {
                    // said below
                }
            }
        }
        throw new UsageException(name + " needs a size like 65536, 64k or 1m, not '" + value + "'");
    }

    /** How many digits {@code value} starts with, at most 12: a number that still fits in a long, with room for a unit. */
    private static int leadingDigits(String value) {
        int digits = 0;
        while (digits < value.length() && digits < 12 && Character.isDigit(value.charAt(digits))) {
            digits++;
        }
        return digits;
    }

    /** The error for an option the program does not have. */
    UsageException unknown() {
        return new UsageException("unknown option '" + name + "'");
    }
}
