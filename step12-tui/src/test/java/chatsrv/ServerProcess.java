package chatsrv;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Runs the server the way a user does: its real {@code main} in a JVM of its own, started with
 * the same java and classpath as the tests, and its real stdout read line by line.
 *
 * <p>A child process rather than a thread in the test JVM, because the tests look at the
 * server from outside, as lsof does: its /proc/PID/fd, its sockets in /proc/net/tcp, its exit
 * code, its reaction to signals. In the test JVM those would be mixed with the test's own
 * client sockets and threads.
 */
final class ServerProcess implements AutoCloseable {
    static final Duration STARTUP = Duration.ofSeconds(10);

    static {
        // Awaitility polls every 100 ms by default; the server answers in well under 1 ms, so
        // polling more often makes every test faster without making any of them less strict.
        Awaitility.setDefaultPollInterval(Duration.ofMillis(5));
    }

    private final Process process;
    // Synchronized lists, not copy-on-write ones: a busy server logs hundreds of thousands of lines.
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    private final Thread stdoutReader;
    private final Thread stderrReader;

    private ServerProcess(Process process) {
        this.process = process;
        this.stdoutReader = collect(process.getInputStream(), lines, "server-stdout");
        this.stderrReader = collect(process.getErrorStream(), errors, "server-stderr");
    }

    /** Starts {@code chatsrv.Main} with these arguments. */
    static ServerProcess start(String... args) throws IOException {
        return startMain("chatsrv.Main", args);
    }

    /** Starts another main class of the module (the chat client) the same way. */
    static ServerProcess startMain(String mainClass, String... args) throws IOException {
        return new ServerProcess(new ProcessBuilder(javaCommand(mainClass, args)).start());
    }

    /** Starts the server the way `ulimit -n N; chatsrv ...` would: with at most N descriptors. */
    static ServerProcess startWithDescriptorLimit(int limit, String... args) throws IOException {
        return startInShell("ulimit -n " + limit, args);
    }

    /**
     * Starts the server the way `ulimit -f N; chatsrv ...` would: no file it writes may grow past
     * N KiB, and a write past that fails (EFBIG: the JVM ignores SIGXFSZ), as on a disk that is
     * full. Its stdout and stderr are pipes, which the limit does not count.
     */
    static ServerProcess startWithFileSizeLimit(int kib, String... args) throws IOException {
        return startInShell("ulimit -f " + kib, args);
    }

    /**
     * Starts the server the way a script without job control starts a background job: with
     * SIGINT ignored, which the JVM then keeps.
     */
    static ServerProcess startWithSigintIgnored(String... args) throws IOException {
        return startInShell("trap '' INT", args);
    }

    /** Starts the server from bash, after {@code setup} (a shell command that changes what the server inherits). */
    private static ServerProcess startInShell(String setup, String... args) throws IOException {
        List<String> shell = new ArrayList<>(List.of("bash", "-c", setup + " && exec \"$@\"", "bash"));
        shell.addAll(javaCommand("chatsrv.Main", args));
        return new ServerProcess(new ProcessBuilder(shell).start());
    }

    /** The command line that runs {@code mainClass} with the test's own java and classpath. */
    static List<String> javaCommand(String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                mainClass));
        command.addAll(List.of(args));
        return command;
    }

    /** Sends a signal, as `kill -NAME pid` would. */
    void signal(String name) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + name, Long.toString(pid())).inheritIO().start().waitFor();
    }

    /** Reads a stream of the server line by line into {@code into}, on a thread of its own. */
    private static Thread collect(InputStream stream, List<String> into, String name) {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    into.add(line);
                }
            } catch (IOException e) {
                into.add("ServerProcess: read failed: " + e);
            }
        }, name);
        reader.setDaemon(true);
        reader.start();
        return reader;
    }

    long pid() {
        return process.pid();
    }

    /** Every line the server has written to stdout so far. */
    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** Every line the server has written to stderr so far: its error messages. */
    List<String> errorLines() {
        synchronized (errors) {
            return List.copyOf(errors);
        }
    }

    /** How many log lines so far contain {@code text}. */
    long count(String text) {
        synchronized (lines) {
            return lines.stream().filter(l -> l.contains(text)).count();
        }
    }

    /** Waits for a log line containing {@code text} and returns the first one. */
    String awaitLine(String text) {
        try {
            return await().atMost(STARTUP)
                    .until(() -> firstLine(text), Optional::isPresent)
                    .get();
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no log line containing '" + text + "'; " + lastOutput());
        }
    }

    /** Waits for the server to say where it listens, and returns the port. */
    int port() {
        return Integer.parseInt(awaitGroup("listening on", "listening on [\\d.]+:(\\d+)"));
    }

    /** Waits for a log line matching {@code regex} and returns its first group. */
    String awaitGroup(String text, String regex) {
        String line = awaitLine(text);
        Matcher m = Pattern.compile(regex).matcher(line);
        if (!m.find()) {
            throw new AssertionError("'" + regex + "' not found in the log line: " + line);
        }
        return m.group(1);
    }

    private Optional<String> firstLine(String text) {
        synchronized (lines) {
            return lines.stream().filter(l -> l.contains(text)).findFirst();
        }
    }

    /**
     * Fails if the server keeps a core busy while nothing happens. It waits, for at most 5 s, for
     * half a second in which the server used at most 10 ticks of CPU (100 ms). A spinning loop
     * never has one: it takes a whole core, 50 ticks per half second, and still 25 on a machine
     * busy with other work. A server that is idle has one as soon as the JVM's compiler and GC
     * threads have finished with what the test just made it do.
     */
    void assertNotSpinning() {
        long[] last = {Proc.cpuTicks(pid())};
        long[] used = new long[1];
        await().pollDelay(Duration.ofMillis(500)).pollInterval(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                .until(() -> {
                    long now = Proc.cpuTicks(pid());
                    used[0] = now - last[0];
                    last[0] = now;
                    return used[0] <= 10;
                });
        System.out.printf("measured: %d CPU ticks in 500 ms while idle%n", used[0]);
    }

    /** The end of what the server wrote, for a failure message. */
    private String lastOutput() {
        List<String> out = lines();
        return "last lines of stdout: " + out.subList(Math.max(0, out.size() - 20), out.size()) + ", stderr: " + errorLines();
    }

    /** Waits for the server to exit by itself, and for the last of its output, and returns its exit code. */
    int awaitExit() throws InterruptedException {
        if (!process.waitFor(STARTUP.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the server did not exit; " + lastOutput());
        }
        stdoutReader.join(STARTUP.toMillis());
        stderrReader.join(STARTUP.toMillis());
        return process.exitValue();
    }

    /** Types a line on the process's stdin, as a user at its terminal would. */
    void typeLine(String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** Closes the process's stdin: end of input, as Ctrl-D at a terminal. */
    void closeStdin() throws IOException {
        process.getOutputStream().close();
    }

    /** Stops the server with SIGTERM, as Ctrl-C or kill would, and waits until it is gone. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
