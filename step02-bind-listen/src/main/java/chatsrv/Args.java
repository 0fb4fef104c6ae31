package chatsrv;

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

    /** The error for an option the program does not have. */
    UsageException unknown() {
        return new UsageException("unknown option '" + name + "'");
    }
}
