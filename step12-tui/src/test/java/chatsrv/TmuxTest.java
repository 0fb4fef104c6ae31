package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client end to end in real terminals: tmux runs two clients (the real main, chatsrv.Tui,
 * as a person starts it) against a real server; {@code send-keys} types and
 * {@code capture-pane} reads what a person would see. This is what the virtual terminal of
 * TuiTest cannot show: Lanterna's real terminal (stty, escape sequences, the size the terminal
 * reports), picocli's command line, and the terminal given back after Ctrl-C.
 *
 * <p>tmux runs on a socket of its own (-L), so the test neither sees nor disturbs a tmux the
 * person running it may have open. One screen it captures is written to
 * target/tmux-screen.txt: the step's README shows one like it.
 */
class TmuxTest {
    static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    ServerProcess server;
    int port;
    final String socket = "chatsrv-test-" + ProcessHandle.current().pid();

    @BeforeEach
    void start() throws Exception {
        assumeTrue(new ProcessBuilder("tmux", "-V").start().waitFor() == 0,
                "tmux is not installed (Debian: apt-get install tmux); .ci/run installs it");
        server = ServerProcess.start(ServerTest.argsIn(dir, "--threads", "2"));
        port = server.port();
    }

    @AfterEach
    void stop() throws Exception {
        tmux("kill-server");
        if (server != null) {
            server.close();
        }
    }

    @Test
    void twoPeopleInTwoTerminals() throws Exception {
        for (String name : List.of("alice", "bob")) {
            try (Client c = Client.registered(port, name)) {
                c.send("QUIT\n").expect("BYE see you");
            }
        }
        // The password from the environment, as --help suggests, not from the command line.
        client("alice");
        await("alice", "alice (you)");
        client("bob");
        await("alice", "bob is online");
        await("bob", "bob (you)");

        tmux("send-keys", "-t", "alice", "hello from a real terminal", "Enter");
        await("bob", "alice: hello from a real terminal");
        await("alice", "you: hello from a real terminal");

        // bob's list: everyone, alice, bob (you). Tab goes from the input line to it.
        tmux("send-keys", "-t", "bob", "Tab", "Down", "Enter");
        await("bob", "to alice >");
        tmux("send-keys", "-t", "bob", "just to you", "Enter");
        await("alice", "bob → you (direct): just to you");
        String screen = await("bob", "you → alice (direct): just to you");
        Files.writeString(Path.of("target", "tmux-screen.txt"), screen);

        // A smaller terminal: the screen is laid out again to its new size.
        tmux("resize-window", "-t", "bob", "-x", "72", "-y", "20");
        Awaitility.await().atMost(WAIT).until(() -> capture("bob").lines().findFirst().orElse("").length() == 72);
        assertThat(capture("bob").lines().findFirst().orElseThrow()).startsWith("┌").endsWith("┐");
        await("bob", "to alice >");

        // Ctrl-C: the client says QUIT, exits with 0, and gives the terminal back as it was.
        tmux("send-keys", "-t", "alice", "C-c");
        String after = await("alice", "exit status 0");
        // stty -a after it: line editing and echo are on again, and Ctrl-C is the interrupt
        // character again (Lanterna ran stty -icanon -echo and stty intr undef).
        List<String> settings = List.of(after.split("\\s+"));
        assertThat(settings).contains("icanon", "echo").doesNotContain("-icanon", "-echo");
        assertThat(after).contains("intr = ^C;");
        server.awaitLine("alice logged out");
        await("bob", "alice went offline");
    }

    /** A client in a tmux session named after its user, then the shell's view of the terminal once it exits. */
    private void client(String name) throws IOException, InterruptedException {
        String command = ServerProcess.javaCommand("chatsrv.Tui", "--port", Integer.toString(port), "--user", name)
                .stream().map(TmuxTest::quoted).collect(Collectors.joining(" "));
        tmux("new-session", "-d", "-s", name, "-x", "100", "-y", "24",
                "-e", Tui.PASSWORD_VARIABLE + "=" + Client.passwordOf(name),
                command + "; echo \"exit status $?\"; stty -a; sleep 600");
    }

    private String await(String session, String text) throws IOException, InterruptedException {
        try {
            Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
                    .until(() -> capture(session).contains(text));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("tmux session " + session + " never showed \"" + text + "\"; it shows:\n"
                    + capture(session));
        }
        return capture(session);
    }

    private String capture(String session) throws IOException, InterruptedException {
        return tmux("capture-pane", "-p", "-t", session);
    }

    /** Runs tmux on this test's own socket, with no configuration file; returns what it printed. */
    private String tmux(String... args) throws IOException, InterruptedException {
        // -u: UTF-8 even where the locale does not say so (CI machines often run under LANG=C).
        List<String> command = new ArrayList<>(List.of("tmux", "-u", "-L", socket, "-f", "/dev/null"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return out;
    }

    private static String quoted(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
