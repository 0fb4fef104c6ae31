package chatbench;

import java.nio.charset.StandardCharsets;

/**
 * What the bench needs of the protocol of Part II (step10 on, with accounts): the names and
 * passwords of one run's users, the lines that register them, log them in, write to everyone
 * and say goodbye, and the server's answers to REGISTER and LOGIN.
 *
 * <p>Names are unique to the run ({@code c<run>-<i>} for the chatters, {@code s<run>-<i>} for
 * the storm, {@code o}, {@code u} and {@code l} for churn's and lag's observers, users and
 * lagging observer; the run being the start time in base 36): the server keeps its users in a
 * file across runs, and a name can be registered only once.
 */
final class Accounts {
    /** Written in front of every message line: "to everyone". The server delivers it as {@code FROM <name> * <line>}. */
    static final byte[] TO_ALL = ascii("MSG * ");
    static final byte[] QUIT = ascii("QUIT\n");
    /** Asked after an OK: its PONG comes after the roster snapshot, if the server sends one. */
    static final byte[] PING = ascii("PING bench\n");
    static final byte[] ROSTER = ascii("ROSTER\n");
    /**
     * How long to wait for the next answer to a REGISTER or a LOGIN. Long: a server that hashes
     * on its event loop may answer none of a batch until it has hashed them all (200 at a
     * quarter of a second each is most of a minute), and on a busy machine each takes longer.
     */
    static final long ANSWER_WAIT = 120 * Phase.SECOND;

    private final String run;

    Accounts(long millis) {
        this.run = Long.toString(millis, 36);        // 8 characters until the year 5188
    }

    /** User {@code i} of a {@code kind}: 'c' a chatter, 's' one of the storm's, 'o' an observer, 'u' a user of churn, 'l' lag's lagging observer. */
    String name(char kind, int i) {
        return kind + run + "-" + i;
    }

    /** {@code REGISTER} or {@code LOGIN}, with user {@code i}'s name and password, as one line. */
    byte[] line(String verb, char kind, int i) {
        String name = name(kind, i);
        return ascii(verb + " " + name + " pw-" + name + "\n");
    }

    /**
     * The answer to a REGISTER or a LOGIN: {@code OK <VERB> ...} or {@code ERR <VERB> <reason> <text>}.
     *
     * @param reason for an ERR, its one word (busy, taken, denied...); null for an OK
     */
    record Answer(String verb, boolean ok, String reason) {
        /** The answer in {@code b[from, to)}, or null if the line is something else (a message, the roster, BYE). */
        static Answer of(byte[] b, int from, int to) {
            // Most lines a client gets are messages and the roster (FROM, ROSTER): skip them
            // before making a String.
            if (to - from < 3 || (b[from] != 'O' && b[from] != 'E')) {
                return null;
            }
            String[] words = new String(b, from, to - from, StandardCharsets.UTF_8).split(" ", 4);
            boolean ok = words[0].equals("OK");
            if (!(ok || words[0].equals("ERR")) || words.length < (ok ? 2 : 3)
                    || !(words[1].equals("REGISTER") || words[1].equals("LOGIN"))) {
                return null;
            }
            return new Answer(words[1], ok, ok ? null : words[2]);
        }
    }

    /** The answer to our PING: {@code PONG bench}. */
    static boolean isPong(byte[] b, int from, int to) {
        return to - from == 10 && new String(b, from, 10, StandardCharsets.US_ASCII).equals("PONG bench");
    }

    /** {@code BYE <text>}: the server is about to close. */
    static boolean isBye(byte[] b, int from, int to) {
        return to - from >= 3 && b[from] == 'B' && b[from + 1] == 'Y' && b[from + 2] == 'E'
                && (to - from == 3 || b[from + 3] == ' ');
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
