package chatbench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongPredicate;
import org.HdrHistogram.Histogram;

/**
 * The logins scenario's storm, on the chatters' loop while they chat. After a second of
 * warm-up and a baseline of chat, {@code users} new connections open at once and each
 * registers a new user; once every one has its answer (and has quit), {@code users} fresh
 * connections open at once and each logs one of those users in. A server that hashes
 * passwords on its event loop stops every chatter for as long as that takes; one with a pool
 * of hashing threads should not.
 *
 * <p>Each storm connection asks as soon as it is welcomed and sends QUIT as soon as it has its
 * answer: logged in, it would also receive the chat, and the storm is there to load the
 * server's hashing, not to grow its broadcast from a few chatters to hundreds of users.
 *
 * <p>Between the two waves, the logins wait for two things. Every registration connection
 * closed: so a user is never logged in twice (the protocol's second LOGIN would replace the
 * first, a different load), and the storm never holds more than {@code users} connections.
 * And the chat caught up: every line due by the end of the registrations has arrived
 * everywhere. After a stall the chatters' backlog takes the server a while to deliver; lines
 * of the registrations still waiting when the logins begin would wait through the logins'
 * stall too, and the two windows would blur.
 *
 * <p>It also opens the windows that split the chatters' latency by when each line was due:
 * before the storm (after the warm-up), during the registrations, between the waves, during
 * the logins. Sending stops when the last login has its answer.
 */
final class Storm implements EventLoop.Handler, Clients.Meanwhile {
    static final long SECOND = Phase.SECOND;
    /** A wave in which nothing was answered or closed for this long is given up. */
    static final long QUIET = Accounts.ANSWER_WAIT;
    /**
     * The first second of chat is in no window. In it the server's JVM, and the bench's, may
     * still be compiling the code that carries the chat (once, against step10 on two cores, a
     * p99 of 200 ms in that second, and a few ms after it), and the baseline is there to show
     * the chat as it usually is.
     */
    static final long WARM_UP = SECOND;
    /** After the registrations, how long their connections get to say goodbye before the bench closes them. */
    static final long QUIT_WAIT = 5 * SECOND;
    /** ...and how long the chat gets to catch up before the logins begin anyway. */
    static final long CATCH_UP_WAIT = 30 * SECOND;

    /** The chatters' latency windows, in the order they open. */
    static final String BEFORE = "before";
    static final String REGISTRATIONS = "registrations";
    static final String BETWEEN = "between";
    static final String LOGINS = "logins";

    /**
     * One wave as the report shows it.
     *
     * @param errors the reasons of the ERR answers (busy, taken, denied...) and how many of each
     * @param closed connections that ended before their answer: refused, failed to connect, closed by the server
     * @param unanswered still waiting when the wave was given up
     * @param allOkNanos from the first REGISTER or LOGIN sent to the last OK; -1 if no OK came
     * @param answers each connection's time from its question to its answer, OK or ERR
     */
    record Wave(String verb, int users, int ok, Map<String, Integer> errors, int closed, String closeReason,
                int unanswered, long allOkNanos, Stats.Latency answers) {
        /** OKs per second, over the time to all OK. */
        double perSecond() {
            return allOkNanos > 0 ? ok * 1e9 / allOkNanos : 0;
        }
    }

    /** One storm connection: whose user it asks for, when it asked, whether its wave is through with it. */
    private static final class Ask {
        final int user;
        long askedAt = -1;
        boolean over;           // answered, closed, or given up on

        Ask(int user) {
            this.user = user;
        }
    }

    /** The counts of the wave in progress. */
    private static final class Counts {
        final String verb;
        int ok, closed, unanswered, open;
        final Map<String, Integer> errors = new TreeMap<>();
        String closeReason;
        long firstAsk = -1, lastOk = -1;
        long lastEvent;
        final Histogram answers = new Histogram(Stats.MAX_LATENCY, 3);
        boolean givenUp;

        Counts(String verb) {
            this.verb = verb;
        }

        int settled() {
            return ok + errors.values().stream().mapToInt(Integer::intValue).sum() + closed + unanswered;
        }

        Wave wave(int users) {
            return new Wave(verb, users, ok, Map.copyOf(errors), closed, closeReason, unanswered,
                    lastOk < 0 ? -1 : lastOk - firstAsk, Stats.Latency.of(answers));
        }
    }

    private enum Stage { BASELINE, REGISTERING, BETWEEN, LOGGING_IN, DONE }

    private final EventLoop loop;
    private final Accounts accounts;
    private final int users;
    private final long baseline;
    private final Stats.Windows windows;
    private final LongPredicate chatCaughtUpWith;
    private final PrintWriter progress;
    private final Map<Connection, Ask> asks = new HashMap<>();
    private final Counts registrations = new Counts("REGISTER");
    private final Counts logins = new Counts("LOGIN");
    private Counts current = registrations;      // the wave in progress
    private Stage stage = Stage.BASELINE;
    private long stormAt;
    private long registered;                // when the registrations were over
    private boolean caughtUp;
    private String connectError;            // the last connect that failed, for the report

    /**
     * {@code users} registrations then as many logins, WARM_UP and {@code baseline} nanoseconds
     * after sending starts; {@code chatCaughtUpWith} says whether every line due by a given time
     * has arrived everywhere (Clients.caughtUpWith).
     */
    Storm(EventLoop loop, Accounts accounts, int users, long baseline, Stats.Windows windows,
            LongPredicate chatCaughtUpWith, PrintWriter progress) {
        this.loop = loop;
        this.accounts = accounts;
        this.users = users;
        this.baseline = baseline;
        this.windows = windows;
        this.chatCaughtUpWith = chatCaughtUpWith;
        this.progress = progress;
    }

    @Override
    public void start(long start) {
        windows.open(BEFORE, start + WARM_UP);          // a line due before it is in no window
        stormAt = start + WARM_UP + baseline;
    }

    /** Moves on through the stages as far as it can now; says when it next needs to run. */
    @Override
    public long work() throws IOException {
        long now = loop.now();
        if (stage == Stage.BASELINE) {
            if (now < stormAt) {
                return stormAt;
            }
            begin(REGISTRATIONS, now);
            stage = Stage.REGISTERING;
        }
        if (stage == Stage.REGISTERING) {
            if (!over(now)) {
                return current.lastEvent + QUIET;
            }
            windows.open(BETWEEN, now);
            say("registrations");
            registered = now;
            stage = Stage.BETWEEN;
        }
        if (stage == Stage.BETWEEN) {
            caughtUp = caughtUp || chatCaughtUpWith.test(registered);
            boolean quit = current.open == 0 || now >= registered + QUIT_WAIT;
            if (!quit || !caughtUp && now < registered + CATCH_UP_WAIT) {
                return quit ? registered + CATCH_UP_WAIT : registered + QUIT_WAIT;
            }
            if (!caughtUp) {
                progress.printf("storm: the chat has not caught up within %d s; logging in anyway%n",
                        CATCH_UP_WAIT / SECOND);
            }
            for (Connection c : asks.keySet()) {
                loop.close(c, "did not close within " + QUIT_WAIT / SECOND + " s of its QUIT");
            }
            asks.clear();
            current = logins;
            begin(LOGINS, now);
            stage = Stage.LOGGING_IN;
        }
        if (stage == Stage.LOGGING_IN) {
            if (!over(now)) {
                return current.lastEvent + QUIET;
            }
            say("logins");
            stage = Stage.DONE;
        }
        return Long.MAX_VALUE;
    }

    /** Opens the wave's connections at once; each asks when it is welcomed. */
    private void begin(String window, long now) throws IOException {
        windows.open(window, now);
        current.lastEvent = now;
        progress.printf("storm: %,d connections at once, each to %s%n", users, current.verb);
        for (int user = 0; user < users; user++) {
            Connection c = loop.connect(this);
            asks.put(c, new Ask(user));
            current.open++;
            if (c.state == Connection.State.CLOSED) {    // failed at once, before we knew it
                closed(c, connectError);
            }
        }
    }

    /** Every connection of the wave is through, or none has been for QUIET: then the rest are given up on. */
    private boolean over(long now) {
        if (current.settled() == users) {
            return true;
        }
        if (now - current.lastEvent < QUIET) {
            return false;
        }
        current.givenUp = true;
        for (Map.Entry<Connection, Ask> e : asks.entrySet()) {
            if (!e.getValue().over) {
                loop.close(e.getKey(), "no answer for " + QUIET / SECOND + " s");   // counted unanswered
            }
        }
        return true;
    }

    /** A line on the progress stream when a wave is over. */
    private void say(String what) {
        Wave w = current.wave(users);
        progress.printf("storm: %s: %,d OK of %,d%s%n", what, w.ok(), users, w.allOkNanos() < 0 ? ""
                : String.format(Locale.ROOT, ", the last %.3f s after the first was sent", w.allOkNanos() / 1e9));
    }

    @Override
    public boolean done() {
        return stage == Stage.DONE;
    }

    @Override
    public String progress() {
        return switch (stage) {
            case REGISTERING, LOGGING_IN -> String.format(Locale.ROOT, "  %s: %,d OK, %,d other of %,d",
                    current.verb, current.ok, current.settled() - current.ok, users);
            case BETWEEN -> String.format(Locale.ROOT, "  between: %,d quitting%s", current.open,
                    caughtUp ? "" : ", the chat catching up");
            case BASELINE, DONE -> "";
        };
    }

    /** The registrations and the logins as far as they got. */
    Wave registrations() {
        return registrations.wave(users);
    }

    Wave logins() {
        return logins.wave(users);
    }

    @Override
    public void line(Connection c, byte[] b, int from, int to, long arrived) {
        Ask a = asks.get(c);
        if (a == null || a.over) {
            return;                     // after its answer: the roster, the chat, BYE, until the server closes
        }
        if (a.askedAt < 0) {
            if (Codec.isGreeting(b, from, to)) {
                ask(c, a);
            } else {                    // a full server's one line, say
                loop.close(c, "not welcomed: " + new String(b, from, to - from, StandardCharsets.UTF_8));
            }
            return;
        }
        Accounts.Answer answer = Accounts.Answer.of(b, from, to);
        if (answer == null || !answer.verb().equals(current.verb)) {
            return;                     // nothing else is expected before the answer
        }
        a.over = true;
        current.lastEvent = arrived;
        current.answers.recordValue(Math.max(0, Math.min(arrived - a.askedAt, Stats.MAX_LATENCY)));
        if (answer.ok()) {
            current.ok++;
            current.lastOk = arrived;
        } else {
            current.errors.merge(answer.reason(), 1, Integer::sum);
        }
        write(c, Accounts.QUIT);        // the server answers BYE and closes
    }

    private void ask(Connection c, Ask a) {
        a.askedAt = System.nanoTime();
        if (current.firstAsk < 0) {
            current.firstAsk = a.askedAt;
        }
        write(c, accounts.line(current.verb, 's', a.user));
    }

    /** A short line on a socket that has taken nothing else: its send buffer takes it whole. */
    private void write(Connection c, byte[] line) {
        try {
            if (!loop.writeNow(c, ByteBuffer.wrap(line))) {
                loop.close(c, "the socket did not take a line of " + line.length + " bytes");
            }
        } catch (IOException e) {
            loop.close(c, e.toString());
        }
    }

    @Override
    public void connectFailed(Connection c, IOException e) {
        connectError = e.toString();    // closed() follows, and counts it
    }

    @Override
    public void closed(Connection c, String why) {
        Ask a = asks.get(c);
        if (a == null) {
            return;                     // a connection still being opened: begin() calls this again
        }
        current.open--;
        if (a.over) {
            return;
        }
        a.over = true;
        if (current.givenUp) {
            current.unanswered++;
        } else {
            current.closed++;
            current.lastEvent = loop.now();
            if (current.closeReason == null) {
                current.closeReason = why != null ? why : "closed by the bench";
            }
        }
    }
}
