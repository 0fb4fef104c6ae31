package chatbench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** Short runs of the real command against the in-test server. */
class EndToEndTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final Main main = new Main();

    private int bench(String... args) {
        return Main.command(main).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    }

    @Test
    void aBroadcastServerLosesAndReordersNothing() throws Exception {
        try (TestServer server = new TestServer(false)) {
            int code = bench("chatty", "--port", "" + server.port(), "--clients", "5", "--rate", "200",
                    "--duration", "1");
            assertThat(code).as(err.toString()).isZero();
            assertThat(main.report.server()).isEqualTo("broadcast");
            Result r = main.report.result();
            assertThat(r.senders()).hasSize(5).allSatisfy(s -> {
                assertThat(s.sent()).isPositive();
                assertThat(s.expected()).isEqualTo(5 * s.sent());
                assertThat(s.delivered()).isEqualTo(s.expected());
            });
            assertThat(r.lost()).isZero();
            assertThat(r.reordered()).isZero();
            assertThat(r.latency().count()).isEqualTo(r.senders().stream().mapToLong(Stats.SenderTotals::delivered).sum());
            assertThat(out.toString()).contains("deliveries/s", "p99", "reordered");
        }
    }

    @Test
    void fanoutWithItsWindowLosesNothingEither() throws Exception {
        try (TestServer server = new TestServer(false)) {
            int code = bench("fanout", "--port", "" + server.port(), "--clients", "4", "--window", "16",
                    "--duration", "1", "--json");
            assertThat(code).as(err.toString()).isZero();
            assertThat(main.report.result().senders()).singleElement()
                    .satisfies(s -> assertThat(s.delivered()).isEqualTo(5 * s.sent()).isPositive());
            assertThat(main.report.result().lost()).isZero();
            assertThat(out.toString()).startsWith("{\"scenario\":\"fanout\"").contains("\"lost\":0,\"reordered\":0");
        }
    }

    @Test
    void anEchoServerIsRecognisedAndOnlyTheSenderIsExpected() throws Exception {
        try (TestServer server = new TestServer(true)) {
            int code = bench("latency", "--port", "" + server.port(), "--clients", "3", "--duration", "1");
            assertThat(code).as(err.toString()).isZero();
            assertThat(main.report.server()).isEqualTo("echo");
            assertThat(main.report.result().senders()).allSatisfy(s -> assertThat(s.delivered()).isEqualTo(s.sent()));
            assertThat(main.report.result().lost()).isZero();
        }
    }

    @Test
    void connsFindsTheServerProcessAndTimesTheBroadcast() throws Exception {
        try (TestServer server = new TestServer(false)) {
            int code = bench("conns", "--port", "" + server.port(), "--clients", "40");
            assertThat(code).as(err.toString()).isZero();
            Report r = main.report;
            assertThat(r.result().greeted()).isEqualTo(40);
            assertThat(r.conns().pid()).isEqualTo(ProcessHandle.current().pid());   // the test server is in this JVM
            assertThat(r.probe().arrived()).isEqualTo(40);
            assertThat(out.toString()).contains("40 of 40 had it");
            assertThat(r.conns().first().greeted()).as("the warm-up round, by default one").isEqualTo(40);
            assertThat(out.toString()).contains("first round            40 connected and greeted in",
                    "then, after 1 warm-up round:");
        }
    }

    @Test
    void connsWithoutWarmUpMeasuresTheFirstRoundAlone() throws Exception {
        try (TestServer server = new TestServer(false)) {
            int code = bench("conns", "--port", "" + server.port(), "--clients", "10", "--warm-up", "0", "--json");
            assertThat(code).as(err.toString()).isZero();
            assertThat(main.report.conns().first()).isNull();
            assertThat(out.toString()).contains("\"connect_greeted\":10", "\"warm_up_rounds\":0",
                    "\"first_round_connect_s\":null");
        }
    }

    @Test
    void aFullServersRefusalIsCountedAndQuoted() throws Exception {
        try (TestServer server = new TestServer(false, 3)) {
            int code = bench("conns", "--port", "" + server.port(), "--clients", "5", "--json");
            assertThat(code).as(err.toString()).isZero();
            assertThat(main.report.result().greeted()).isEqualTo(3);
            assertThat(main.report.result().refused()).isEqualTo(2);
            assertThat(main.report.result().refusal()).isEqualTo("Server full, try again later");
            assertThat(out.toString()).contains("\"refused\":2,\"refusal\":\"Server full, try again later\"");
        }
    }

    @Test
    void nothingListeningIsOneClearLine() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        assertThat(bench("latency", "--port", "" + port)).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("bench: nothing listening on 127.0.0.1:" + port
                + " — start it with ./chatsrv" + System.lineSeparator());
    }

    @Test
    void aBadValueIsOneLineAndExitCode2() {
        assertThat(bench("chatty", "--size", "10")).isEqualTo(2);
        assertThat(err.toString().lines()).singleElement().asString().contains("--size must be 48 to 1024");
        assertThat(bench("nosuch")).isEqualTo(2);
        assertThat(bench("chatty", "--host", "192.0.2.1")).isEqualTo(2);
    }

    @Test
    void helpAnswers() {
        assertThat(bench("--help")).isZero();
        assertThat(out.toString()).contains("fanout", "chatty", "latency", "logins", "conns", "--duration", "--logins",
                "--json");
    }
}
