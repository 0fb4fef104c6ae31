package chatbench;

import static org.assertj.core.api.Assertions.assertThat;

import chatbench.AccountServer.Hashing;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** churn, lag and --accounts, end to end, against the fake AccountServer with and without its roster. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PresenceTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private Main main;

    /** A new Main each time: picocli leaves an option given once set for the next run of the same one. */
    private int bench(String... args) {
        main = new Main();
        return Main.command(main).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    }

    private static AccountServer server() throws Exception {
        return new AccountServer(Hashing.inAPool(0), Hashing.inAPool(0), 0);
    }

    @Test
    void churnAddsUpAndTimesEveryChange() throws Exception {
        try (AccountServer server = server().withRoster()) {
            int code = bench("churn", "--port", "" + server.port(), "--observers", "3", "--logins", "10",
                    "--duration", "1", "--server-pid", "" + ProcessHandle.current().pid());
            assertThat(code).as(err.toString()).isZero();
            Churn.Outcome c = main.churn;
            assertThat(c.observers()).isEqualTo(3);
            assertThat(c.logins()).isPositive();
            // each login is a + and a -, and those of the window are all in it
            assertThat(c.changes()).isPositive().isLessThanOrEqualTo(2 * c.logins() + 10);
            assertThat(c.violations()).as(c.firstViolation()).isZero();
            assertThat(c.checked()).as("every observer compared its roster with a fresh snapshot").isEqualTo(3);
            assertThat(c.delay().count()).isPositive();
            assertThat(c.delay().count() + c.untimed()).isGreaterThanOrEqualTo(c.changes());
            assertThat(c.cpuNanos()).as("the fake server is in this JVM").isPositive();
            assertThat(c.errors()).isEmpty();
            assertThat(out.toString()).contains("roster changes/s", "delay to all", "µs per change", "violations",
                    "final check       3 of 3 observers");
        }
    }

    @Test
    void churnAsJson() throws Exception {
        try (AccountServer server = server().withRoster()) {
            assertThat(bench("churn", "--port", "" + server.port(), "--observers", "2", "--logins", "4",
                    "--duration", "0.3", "--json")).as(err.toString()).isZero();
            assertThat(out.toString()).startsWith("{\"scenario\":\"churn\"").contains("\"violations\":0",
                    "\"checked\":2", "\"changes_per_s\":");
        }
    }

    @Test
    void churnNeedsARoster() throws Exception {
        try (AccountServer server = server()) {
            assertThat(bench("churn", "--port", "" + server.port(), "--observers", "2", "--logins", "2",
                    "--duration", "0.2")).isEqualTo(1);
            assertThat(err.toString()).contains("sent no roster snapshot after OK REGISTER",
                    "churn needs a server with a roster (step11 on)");
        }
    }

    /**
     * The lagging observer gets its snapshot, acknowledges it and stops reading while the
     * churners make 400 changes: it then finds 16 changes held for it, and after its ACK one
     * fresh snapshot at the final version.
     */
    @Test
    void aLaggingObserverGetsTheWindowThenOneFreshSnapshot() throws Exception {
        try (AccountServer server = server().withRoster()) {
            int code = bench("lag", "--port", "" + server.port(), "--observers", "2", "--logins", "10",
                    "--changes", "400");
            assertThat(code).as(err.toString()).isZero();
            Lag.Outcome l = main.lag;
            assertThat(l.changes()).isGreaterThanOrEqualTo(400);
            assertThat(l.heldChanges()).isEqualTo(AccountServer.WINDOW);
            assertThat(l.heldLines()).isEqualTo(AccountServer.WINDOW);
            assertThat(l.heldBytes()).isBetween(16L * "ROSTER + 1 u-0\n".length(), 16L * 60);
            assertThat(l.snapshots()).isEqualTo(2);
            assertThat(l.changesReceived()).isEqualTo(AccountServer.WINDOW);
            assertThat(l.freshVersion()).isEqualTo(l.finalVersion());
            assertThat(l.violations()).as(l.firstViolation()).isZero();
            assertThat(l.asExpected()).isTrue();
            assertThat(out.toString()).contains("held for it", "a fresh snapshot at version", "as expected");
        }
    }

    @Test
    void chattyWithAccountsAgainstAServerWithARoster() throws Exception {
        try (AccountServer server = server().withRoster()) {
            int code = bench("chatty", "--accounts", "--port", "" + server.port(), "--clients", "4", "--rate", "100",
                    "--duration", "0.5");
            assertThat(code).as(err.toString()).isZero();
            Result r = main.report.result();
            assertThat(r.greeted()).isEqualTo(4);
            assertThat(r.senders()).hasSize(4).allSatisfy(s -> assertThat(s.delivered()).isEqualTo(4 * s.sent()).isPositive());
            assertThat(r.lost()).isZero();
            // a snapshot each (3 lines and one per user online), and the + of each client registered after it
            assertThat(r.rosterLines()).isGreaterThanOrEqualTo(4 * 3 + 6);
            assertThat(r.rosterViolations()).isZero();
            assertThat(r.otherLines()).isZero();
            assertThat(out.toString()).contains("with accounts", "roster:", "0 violations");
        }
    }

    @Test
    void fanoutWithAccountsAgainstAServerWithoutARoster() throws Exception {
        try (AccountServer server = server()) {
            int code = bench("fanout", "--accounts", "--port", "" + server.port(), "--clients", "3", "--window", "8",
                    "--duration", "0.5", "--json");
            assertThat(code).as(err.toString()).isZero();
            assertThat(main.report.result().senders()).singleElement()
                    .satisfies(s -> assertThat(s.delivered()).isEqualTo(4 * s.sent()).isPositive());
            assertThat(main.report.result().rosterLines()).isZero();
            assertThat(out.toString()).contains("\"accounts\":true", "\"lost\":0");
        }
    }

    @Test
    void accountsAgainstAServerOfPartOneIsOneClearLine() throws Exception {
        try (TestServer server = new TestServer(false)) {
            assertThat(bench("latency", "--accounts", "--port", "" + server.port(), "--clients", "2")).isEqualTo(1);
            assertThat(err.toString()).contains("does it speak the protocol of step10 on?");
        }
    }

    @Test
    void badPresenceOptionsAreOneLineAndExitCode2() {
        assertThat(bench("logins", "--accounts")).isEqualTo(2);
        assertThat(bench("chatty", "--observers", "3")).isEqualTo(2);
        assertThat(bench("churn", "--changes", "3")).isEqualTo(2);
        assertThat(bench("lag", "--observers", "0")).isEqualTo(2);
        assertThat(bench("chatty", "--accounts", "--size", "1020")).isEqualTo(2);
        assertThat(err.toString().lines()).hasSize(5).allSatisfy(line -> assertThat(line).startsWith("bench: "));
        assertThat(err.toString()).contains("--accounts is for fanout, chatty and latency", "--observers is for churn and lag",
                "--changes is for lag only", "--size must be 48 to 1019 in chatty with --accounts");
    }
}
