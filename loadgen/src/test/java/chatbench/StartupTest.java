package chatbench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The startup scenario against real processes: ListenLater, and commands that fail. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StartupTest {
    private static final long MS = 1_000_000L;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final Main main = new Main();
    private final int port = freePort();

    private int bench(List<String> options, List<String> command) {
        List<String> args = new ArrayList<>(List.of("startup", "--port", "" + port));
        args.addAll(options);
        args.add("--");
        args.addAll(command);
        return Main.command(main).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(args.toArray(String[]::new));
    }

    /** ListenLater in a JVM of its own, from the test classes. */
    private List<String> listenLater(String... options) {
        try {
            Path classes = Path.of(ListenLater.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", classes.toString(), ListenLater.class.getName(), "--port", "" + port));
            command.addAll(List.of(options));
            return command;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void connectsOnlyOnceTheServerListensAndTimesItsGreeting() {
        int code = bench(List.of("--runs", "2", "--warm-up", "0"), listenLater("--delay", "300"));
        assertThat(code).as(err.toString()).isZero();
        assertThat(main.startup.runs()).hasSize(2).allSatisfy(run -> {
            assertThat(run.connectNanos()).isGreaterThanOrEqualTo(300 * MS);
            assertThat(run.firstByteNanos()).isGreaterThanOrEqualTo(run.connectNanos());
        });
        assertThat(out.toString()).contains("startup: ", "2 runs", "no warm-up run", "connected in 0 of 2 runs");
        assertThat(Startup.free(port)).as("the port, after the last run").isTrue();
    }

    @Test
    void aServerThatNeverSendsHasNoFirstByteAndThatIsNoFailure() {
        int code = bench(List.of("--runs", "1", "--json"), listenLater("--silent"));
        assertThat(code).as(err.toString()).isZero();
        assertThat(main.startup.runs()).singleElement().satisfies(run -> assertThat(run.firstByteNanos()).isEqualTo(-1));
        assertThat(main.startup.warmUps()).isEqualTo(1);
        assertThat(err.toString()).contains("warm-up run 1 of 1", "run 1 of 1", "first byte none");
        assertThat(out.toString()).startsWith("{\"scenario\":\"startup\"")
                .contains("\"warm_up_runs\":1", "\"first_byte_s\":null", "\"first_byte_none\":1");
    }

    @Test
    void aCommandThatExitsAtOnceIsOneClearLine() {
        assertThat(bench(List.of(), List.of("false"))).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("bench: the server exited with code 1 before it accepted a connection on "
                + "127.0.0.1:" + port + "; its stderr was empty" + System.lineSeparator());
    }

    @Test
    void theLastLinesOfItsStderrComeWithIt() {
        assertThat(bench(List.of(), List.of("sh", "-c", "echo starting >&2; echo 'no such jar' >&2; exit 3"))).isEqualTo(1);
        assertThat(err.toString()).startsWith("bench: the server exited with code 3 before")
                .contains("the last lines of its stderr:", "  starting", "  no such jar");
    }

    @Test
    void aPortInUseIsRefusedBeforeAnythingStarts() throws Exception {
        try (ServerSocket taken = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(bench(List.of(), List.of("false"))).isEqualTo(1);
            assertThat(err.toString()).startsWith("bench: something is already using port " + port);
        }
    }

    @Test
    void withoutACommandOrWithOneForAnotherScenarioIsABadArgument() {
        assertThat(bench(List.of(), List.of())).isEqualTo(2);
        assertThat(err.toString()).contains("startup needs the server's command after --");
        assertThat(Main.command(new Main()).setErr(new PrintWriter(new StringWriter())).execute("chatty", "--", "x"))
                .isEqualTo(2);
    }
}
