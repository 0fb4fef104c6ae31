package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The client's command line, run as a person runs it (a JVM of its own, chatsrv.Tui's main),
 * but with its input and output redirected: so no terminal, which it must say in one line.
 */
class TuiOptionsTest {
    record Run(int status, String out, String err) { }

    private static Run run(String... args) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(ServerProcess.javaCommand("chatsrv.Tui", args)).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the client exits by itself").isTrue();
        return new Run(p.exitValue(), out, err);
    }

    @Test
    void helpNamesEveryOptionAndEveryWayToGiveThePassword() throws Exception {
        Run help = run("--help");
        assertThat(help.status()).isZero();
        assertThat(help.out()).contains("--host", "127.0.0.1", "--port", "3100", "--user", "--password",
                "CHAT_PASSWORD", "`ps`", "masked prompt", "/join #group", "Ctrl-C");
    }

    @Test
    void withoutATerminalItSaysSoInOneLine() throws Exception {
        Run run = run("--port", "3100");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("part2-client: needs a terminal: run it in one, with neither its input nor"
                + " its output redirected\n");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aWrongOptionIsNamedWithTheUsage() throws Exception {
        Run bad = run("--prot", "3100");
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).contains("Unknown options: '--prot'", "Usage: part2-client");
        Run port = run("--port", "70000");
        assertThat(port.status()).isEqualTo(2);
        assertThat(port.err()).isEqualTo("part2-client: --port 70000 is not a port: 1 to 65535\n");
        assertThat(run("--port", "0").status()).isEqualTo(2); // a server's --port 0 means any; a client's, nothing
    }
}
