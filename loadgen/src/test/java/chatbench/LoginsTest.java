package chatbench;

import static org.assertj.core.api.Assertions.assertThat;

import chatbench.AccountServer.Hashing;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The logins scenario, end to end, against the fake AccountServer. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoginsTest {
    private static final long MS = 1_000_000L;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final Main main = new Main();

    private int bench(String... args) {
        return Main.command(main).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    }

    private Stats.Windows.Of windowOf(String name) {
        return main.report.result().windows().stream().filter(w -> w.window().equals(name)).findFirst().orElseThrow();
    }

    private Stats.Latency window(String name) {
        return windowOf(name).latency();
    }

    @Test
    void everyChatterGetsEveryLineWhileTheStormRegistersAndThenLogsIn() throws Exception {
        try (AccountServer server = new AccountServer(Hashing.inAPool(20), Hashing.inAPool(20), 0)) {
            int code = bench("logins", "--port", "" + server.port(), "--clients", "3", "--logins", "10",
                    "--duration", "0.5");
            assertThat(code).as(err.toString()).isZero();
            Report r = main.report;
            assertThat(r.result().greeted()).as("chatters welcomed and registered").isEqualTo(3);
            assertThat(r.logins().registrations().ok()).isEqualTo(10);
            assertThat(r.logins().logins().ok()).isEqualTo(10);
            assertThat(r.logins().logins().answers().count()).isEqualTo(10);
            assertThat(r.result().senders()).hasSize(3).allSatisfy(s -> {
                assertThat(s.sent()).isPositive();
                assertThat(s.delivered()).isEqualTo(3 * s.sent());
            });
            assertThat(r.result().lost()).isZero();
            assertThat(r.result().reordered()).isZero();
            // The warm-up second counts in the whole run's latency but in no window: at 100 lines/s
            // it has some 3 x 100 lines, each delivered to 3 chatters.
            long inWindows = r.result().windows().stream().mapToLong(w -> w.latency().count()).sum();
            assertThat(r.result().latency().count() - inWindows).isBetween(3 * 3 * 80L, 3 * 3 * 120L);
            assertThat(out.toString()).contains("registrations  10 OK of 10", "logins         10 OK of 10",
                    "after the first REGISTER was sent", "before the storm", "(corrected for coordinated omission)");
            assertThat(err.toString()).contains("storm: 10 connections at once, each to REGISTER",
                    "storm: 10 connections at once, each to LOGIN");
        }
    }

    /** The server takes 100 ms to answer a QUIT and close: the logins wait for it. */
    @Test
    void theLoginsStartOnlyOnceEveryRegistrationConnectionHasQuit() throws Exception {
        try (AccountServer server = new AccountServer(Hashing.inAPool(0), Hashing.inAPool(0), 0).byeAfter(100)) {
            int code = bench("logins", "--port", "" + server.port(), "--clients", "2", "--logins", "20",
                    "--duration", "0.3");
            assertThat(code).as(err.toString()).isZero();
            assertThat(server.byesBeforeTheFirstLogin()).isEqualTo(20);
            assertThat(server.quits()).as("every storm connection said QUIT").isEqualTo(40);
            assertThat(server.mostConnections()).as("the two waves never overlap").isLessThanOrEqualTo(2 + 20);
        }
    }

    @Test
    void errorsAreCountedByReason() throws Exception {
        // REGISTERs 1 and 2 are the chatters'; of the storm's ten (3 to 12), 3, 6, 9 and 12 are
        // busy, and those four users then cannot log in.
        try (AccountServer server = new AccountServer(Hashing.inAPool(0), Hashing.inAPool(0), 3)) {
            int code = bench("logins", "--port", "" + server.port(), "--clients", "2", "--logins", "10",
                    "--duration", "0.3", "--json");
            assertThat(code).as(err.toString()).isZero();
            Storm.Wave registrations = main.report.logins().registrations();
            Storm.Wave logins = main.report.logins().logins();
            assertThat(registrations.ok()).isEqualTo(6);
            assertThat(registrations.errors()).isEqualTo(Map.of("busy", 4));
            assertThat(logins.ok()).isEqualTo(6);
            assertThat(logins.errors()).isEqualTo(Map.of("denied", 4));
            assertThat(out.toString()).startsWith("{\"scenario\":\"logins\"")
                    .contains("\"registrations\":{\"ok\":6,", "\"errors\":{\"busy\":4}", "\"errors\":{\"denied\":4}",
                            "\"windows\":{\"before\":{\"seconds\":");
        }
    }

    @Test
    void theReportSaysWhichAnswersWereNotOk() throws Exception {
        try (AccountServer server = new AccountServer(Hashing.inAPool(0), Hashing.inAPool(0), 3)) {
            assertThat(bench("logins", "--port", "" + server.port(), "--clients", "2", "--logins", "10",
                    "--duration", "0.3")).as(err.toString()).isZero();
            assertThat(out.toString()).contains("registrations  6 OK of 10", "not OK: ERR busy 4",
                    "logins         6 OK of 10", "not OK: ERR denied 4");
        }
    }

    /**
     * Registrations hash "on the loop": each stops every message for 400 ms, so a line due as
     * one starts waits about that long. Logins hash "in a pool": they take 200 ms each, at the
     * same time, and stop nothing. Only the lines due during the registrations show the stall.
     */
    @Test
    void eachLatencyCountsInTheWindowInWhichItsLineWasDue() throws Exception {
        try (AccountServer server = new AccountServer(Hashing.onTheLoop(400), Hashing.inAPool(200), 0)) {
            int code = bench("logins", "--port", "" + server.port(), "--clients", "2", "--logins", "3",
                    "--duration", "1");
            assertThat(code).as(err.toString()).isZero();
            assertThat(window(Storm.BEFORE).count()).isPositive();
            assertThat(window(Storm.BEFORE).p99()).isLessThan(300 * MS);
            assertThat(window(Storm.REGISTRATIONS).count()).isPositive();
            assertThat(window(Storm.REGISTRATIONS).max()).isGreaterThan(300 * MS);
            assertThat(window(Storm.LOGINS).count()).as("lines due during the 200 ms of logins").isPositive();
            assertThat(window(Storm.LOGINS).p99()).isLessThan(300 * MS);
            assertThat(main.report.result().lost()).isZero();
        }
    }

    /**
     * A server 400 ms behind its chat: when the registrations are over, the lines of their last
     * 400 ms are still on their way, and the logins wait for them (Storm says why).
     */
    @Test
    void theLoginsWaitForTheChatToCatchUp() throws Exception {
        try (AccountServer server = new AccountServer(Hashing.inAPool(0), Hashing.inAPool(0), 0).deliverAfter(400)) {
            int code = bench("logins", "--port", "" + server.port(), "--clients", "2", "--logins", "2",
                    "--duration", "0.5");
            assertThat(code).as(err.toString()).isZero();
            assertThat(windowOf(Storm.BETWEEN).nanos()).isGreaterThan(350 * MS);
            assertThat(main.report.result().lost()).isZero();
        }
    }

    @Test
    void aServerWithoutAccountsIsOneClearLine() throws Exception {
        try (TestServer server = new TestServer(false)) {     // Part I: it broadcasts our REGISTER instead
            assertThat(bench("logins", "--port", "" + server.port(), "--clients", "2")).isEqualTo(1);
            assertThat(err.toString().lines().filter(l -> l.startsWith("bench: "))).singleElement().asString()
                    .contains("was greeted and registered: the server said \"127.0.0.1:", ": REGISTER c",
                            "\": does it speak the protocol of step10 on?");
        }
    }

    /** A server that hashes on its loop may answer no REGISTER for seconds: the chatters wait. */
    @Test
    void theChattersWaitForASlowRegistration() throws Exception {
        try (AccountServer server = new AccountServer(Hashing.onTheLoop(2_500), Hashing.inAPool(0), 0)) {
            int code = bench("logins", "--port", "" + server.port(), "--clients", "1", "--logins", "1",
                    "--duration", "0.3");
            assertThat(code).as(err.toString()).isZero();
            assertThat(main.report.result().greeted()).isEqualTo(1);
            assertThat(main.report.logins().registrations().answers().max()).isGreaterThan(2_000 * MS);
        }
    }

    @Test
    void aRefusedChatterIsQuoted() throws Exception {
        // Every second REGISTER is busy: the second chatter cannot register, the first chats alone.
        try (AccountServer server = new AccountServer(Hashing.inAPool(0), Hashing.inAPool(0), 2)) {
            assertThat(bench("logins", "--port", "" + server.port(), "--clients", "2", "--logins", "1",
                    "--duration", "0.3")).as(err.toString()).isZero();
            Result r = main.report.result();
            assertThat(r.greeted()).isEqualTo(1);
            assertThat(r.refused()).isEqualTo(1);
            assertThat(r.refusal()).startsWith("ERR REGISTER busy");
        }
    }

    @Test
    void badLoginsOptionsAreOneLineAndExitCode2() {
        assertThat(bench("latency", "--logins", "5")).isEqualTo(2);
        assertThat(err.toString()).contains("--logins is for the logins, churn and lag scenarios only");
        assertThat(bench("logins", "--size", "1020")).isEqualTo(2);
        assertThat(err.toString()).contains("--size must be 48 to 1019 in logins");
        assertThat(bench("logins", "--clients", "10", "--logins", "9991")).isEqualTo(2);
        assertThat(bench("logins", "--logins", "0")).isEqualTo(2);
        assertThat(err.toString().lines()).hasSize(4)
                .allSatisfy(line -> assertThat(line).startsWith("bench: "));
    }
}
