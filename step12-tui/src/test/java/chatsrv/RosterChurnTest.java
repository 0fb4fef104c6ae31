package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The roster converges: clients that follow it (RosterFollower: apply each snapshot and change,
 * acknowledge each) end up with the server's own list of who is online, however logins and
 * logouts race each other on the workers.
 *
 * <p>200 users log in and out at random, on 4 threads (each with users of its own, and a
 * fixed number of cycles), ending their logins in the three ways there are: QUIT, a plain
 * close, and now and then a newer login of the same name, which replaces the older one. Ten
 * observers, each on a thread of its own, follow the roster meanwhile: five acknowledge each
 * snapshot and change, five only every 16th (as late as the window allows), so that these are
 * often behind and catch up by fresh snapshots. The test proves that:
 * <ul>
 * <li>no observer ever sees a line that breaks the rules (RosterFollower lists them: a version
 *     skipped or repeated, a {@code +} of a name online, a {@code -} of a name offline, a
 *     snapshot whose count or versions do not add up);
 * <li>once the logins have stopped, the set each observer pieced together is the one a fresh
 *     snapshot (ROSTER) lists, at the very version it reached: every change was delivered, in
 *     order, before the snapshot;
 * <li>all observers end with the same snapshot, and a fresh login gets it too.
 * </ul>
 * The server's lock orders the decisions and its inbox keeps that order (Chat's javadoc); with
 * --threads 4 the logins are decided by four workers at once, which is what this is for.
 */
class RosterChurnTest extends ServerTest {
    static final int USERS = 200;
    static final int OBSERVERS = 10;
    static final int CHURNERS = 4;
    static final int CYCLES_PER_CHURNER = 250;
    /** How long a churner or an observer waits for a line: long enough for a slow machine that is this busy. */
    static final int READ_TIMEOUT_MILLIS = 15_000;

    private final AtomicInteger quits = new AtomicInteger();
    private final AtomicInteger closes = new AtomicInteger();
    private final AtomicInteger replacements = new AtomicInteger();

    @Test
    void observersThatAcknowledgeEverythingEndWithTheServersRoster() throws Exception {
        long seed = System.nanoTime();
        System.out.println("RosterChurnTest seed: " + seed);
        ExecutorService threads = Executors.newCachedThreadPool();
        try {
            List<String> users = new ArrayList<>();
            for (int i = 0; i < USERS; i++) {
                users.add(String.format("u%03d", i));
            }
            registerAll(users, threads);
            await().atMost(Duration.ofSeconds(10)).until(() -> server.count("connection terminated: ") == USERS);

            // Versions so far: a + and a - for each registration. Each observer's login is one more.
            List<RosterFollower> observers = new ArrayList<>();
            for (int i = 0; i < OBSERVERS; i++) {
                Client c = Client.registered(port, "watcher" + i);
                c.channel.socket().setSoTimeout(READ_TIMEOUT_MILLIS);
                // Half acknowledge each line, half as late as the window allows: those are
                // marked behind again and again, and catch up by fresh snapshots.
                observers.add(new RosterFollower(c, "watcher" + i, i % 2 == 0 ? 1 : Roster.WINDOW));
            }
            long versionBeforeChurn = 2L * USERS + OBSERVERS;
            List<Future<Ending>> endings = new ArrayList<>();
            for (RosterFollower o : observers) {
                endings.add(threads.submit(() -> follow(o)));
            }

            List<Future<Integer>> churners = new ArrayList<>();
            for (int t = 0; t < CHURNERS; t++) {
                List<String> own = new ArrayList<>();
                for (int i = t; i < USERS; i += CHURNERS) {
                    own.add(users.get(i));
                }
                Random random = new Random(seed + t);
                churners.add(threads.submit(() -> churn(own, random)));
            }
            int ended = 0; // the logins the churners ended: each is a connection the server closes
            for (Future<Integer> c : churners) {
                ended += c.get(60, TimeUnit.SECONDS);
            }
            // Every change is decided once the server has closed every connection that ended
            // (a plain close, it learns of a little later): only then is the roster still.
            int closed = USERS + ended;
            await().atMost(Duration.ofSeconds(10)).until(() -> server.count("connection terminated: ") == closed);
            System.out.printf("measured: %d cycles: %d QUITs, %d plain closes, %d replacing logins%n",
                    CHURNERS * CYCLES_PER_CHURNER, quits.get(), closes.get(), replacements.get());

            for (RosterFollower o : observers) {
                o.send("PING stop\n");
            }
            List<RosterFollower.Snapshot> finals = new ArrayList<>();
            for (int i = 0; i < OBSERVERS; i++) {
                Ending e = endings.get(i).get(30, TimeUnit.SECONDS);
                RosterFollower o = observers.get(i);
                assertThat(o.violations()).as("what %s saw break the rules (seed %d)", o.name, seed).isEmpty();
                assertThat(e.snapshot().version()).as("%s: the fresh snapshot's version, against the one it reached", o.name)
                        .isEqualTo(e.reached());
                assertThat(e.snapshot().names()).as("%s: the fresh snapshot, against the set it pieced together", o.name)
                        .isEqualTo(e.pieced());
                finals.add(e.snapshot());
                System.out.printf("measured: %s applied %d snapshots and changes, of them %d snapshots%n",
                        o.name, o.applied(), o.snapshots());
            }
            RosterFollower.Snapshot last = finals.get(0);
            assertThat(finals).as("every observer's final snapshot").allMatch(last::equals);
            assertThat(last.version()).as("the changes the churn made").isGreaterThan(versionBeforeChurn + CHURNERS * CYCLES_PER_CHURNER / 2);
            for (int i = 0; i < OBSERVERS; i++) {
                assertThat(last.names()).contains("watcher" + i);
            }
            assertThat(users).containsAll(without(last.names(), "watcher"));

            // A fresh login gets the same: one that replaces watcher0, which is no change, so
            // the version too is the same.
            try (Client fresh = Client.loggedIn(port, "watcher0")) {
                fresh.channel.socket().setSoTimeout(READ_TIMEOUT_MILLIS);
                RosterFollower f = new RosterFollower(fresh, "fresh");
                assertThat(f.readSnapshot()).isEqualTo(last);
                assertThat(f.violations()).isEmpty();
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /** What an observer ends with: the version and the set it reached, and the fresh snapshot it then asked for. */
    record Ending(long reached, Set<String> pieced, RosterFollower.Snapshot snapshot) {
    }

    /**
     * An observer's thread: follows the roster until the test says stop (PING stop), then makes
     * sure it has all the server had for it, and asks for a fresh snapshot.
     */
    private static Ending follow(RosterFollower o) throws IOException {
        o.readUntil("PONG stop");
        o.catchUp();
        long reached = o.version();
        Set<String> pieced = o.online();
        return new Ending(reached, pieced, o.requestSnapshot());
    }

    /**
     * A churner's thread: {@code CYCLES_PER_CHURNER} times, picks one of its users at random;
     * logs it in if it is offline, else ends its login: by QUIT, by closing, or by logging in
     * again from a new connection. Returns how many connections it ended; the rest stay online.
     */
    private Integer churn(List<String> own, Random random) throws IOException {
        Map<String, Client> online = new HashMap<>();
        int ended = 0;
        try {
            for (int cycle = 0; cycle < CYCLES_PER_CHURNER; cycle++) {
                String user = own.get(random.nextInt(own.size()));
                Client c = online.get(user);
                if (c == null) {
                    online.put(user, logIn(user));
                    continue;
                }
                int way = random.nextInt(10);
                if (way == 0) {
                    Client newer = logIn(user);
                    assertThat(c.readUntilEndOfStream()).containsExactly("BYE logged in from elsewhere");
                    c.close();
                    online.put(user, newer);
                    replacements.incrementAndGet();
                } else if (way < 5) {
                    c.send("QUIT\n");
                    assertThat(c.readUntilEndOfStream()).containsExactly("BYE see you");
                    c.close();
                    online.remove(user);
                    quits.incrementAndGet();
                } else {
                    // The server learns of it when it reads the end of the stream, which may
                    // come after this thread's next login of the same user: that login then
                    // replaces this one, which is no change either.
                    c.close();
                    online.remove(user);
                    closes.incrementAndGet();
                }
                ended++;
            }
        } catch (IOException | RuntimeException | Error e) {
            for (Client c : online.values()) {
                c.close();
            }
            throw e;
        }
        return ended;
    }

    private Client logIn(String user) throws IOException {
        Client c = Client.loggedIn(port, user);
        c.channel.socket().setSoTimeout(READ_TIMEOUT_MILLIS);
        return c;
    }

    /** Registers each user (and quits), eight at a time, so that registrations share the user file's rewrites. */
    private void registerAll(List<String> users, ExecutorService threads) throws Exception {
        List<Future<?>> registering = new ArrayList<>();
        int parallel = 8;
        for (int t = 0; t < parallel; t++) {
            int first = t;
            registering.add(threads.submit((Callable<Void>) () -> {
                for (int i = first; i < users.size(); i += parallel) {
                    String name = users.get(i);
                    try (Client c = Client.welcomed(port)) {
                        c.send("REGISTER " + name + " " + Client.passwordOf(name) + "\nQUIT\n");
                        c.expectSlow("OK REGISTER " + name).expect("BYE see you");
                        assertThat(c.atEndOfStream()).isTrue();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : registering) {
            f.get(60, TimeUnit.SECONDS);
        }
    }

    private static Set<String> without(Set<String> names, String prefix) {
        Set<String> rest = new HashSet<>(names);
        rest.removeIf(n -> n.startsWith(prefix));
        return rest;
    }
}
