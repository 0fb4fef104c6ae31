package chatbench;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * The startup scenario: how soon a server accepts a connection after it is started, and how
 * soon it sends its first byte. A course's grader starts the server, waits 100 ms and connects
 * once, without retrying: a server that is not listening by then fails the test, however well
 * it works afterwards.
 *
 * <p>A run starts the command, tries to connect every millisecond (refused until the server
 * listens), waits up to 2 s for the first byte, stops the server with SIGTERM and waits until
 * the port is free again. The clock starts just before the process does, so creating the
 * process counts too, as it does for the grader.
 *
 * <p>Plain blocking sockets and one thread: one connection at a time needs no Selector.
 *
 * @param runs the measured runs, not the warm-up runs
 */
record Startup(List<String> command, String target, int warmUps, List<Run> runs) {
    static final long MILLI = 1_000_000L;
    static final long SECOND = Phase.SECOND;
    /** A grader's one connect comes this long after it started the server. */
    static final long GRADER_WAIT = 100 * MILLI;
    static final long CONNECT_WITHIN = 10 * SECOND;
    static final long FIRST_BYTE_WITHIN = 2 * SECOND;
    static final long STOP_WITHIN = 5 * SECOND;
    private static final int STDERR_LINES = 5;

    /** One run, in nanoseconds from just before the start; firstByteNanos is -1 if nothing came within 2 s. */
    record Run(long connectNanos, long firstByteNanos) {}

    /** The smallest, middle and largest of some values; with an even count the middle is the mean of the two. */
    record Spread(long min, long median, long max) {
        static Spread of(List<Long> values) {
            List<Long> v = values.stream().sorted().toList();
            int n = v.size();
            return new Spread(v.get(0), (v.get((n - 1) / 2) + v.get(n / 2)) / 2, v.get(n - 1));
        }
    }

    /**
     * Starts {@code command} {@code warmUps} + {@code runs} times and times each start; the warm-up
     * runs are not counted. They are for this JVM: its first connect would also time its own
     * class loading and compiling.
     */
    static Startup measure(List<String> command, InetSocketAddress target, int runs, int warmUps, PrintWriter progress)
            throws IOException, Main.Failure {
        if (!free(target.getPort())) {
            throw new Main.Failure("something is already using port " + target.getPort()
                    + ": stop it, or choose another --port and give the server the same one");
        }
        List<Run> measured = new ArrayList<>();
        for (int i = 1; i <= warmUps + runs; i++) {
            Run run = once(command, target);
            boolean warmUp = i <= warmUps;
            if (!warmUp) {
                measured.add(run);
            }
            progress.printf("startup: %s %d of %d: connected after %s, first byte %s%n", warmUp ? "warm-up run" : "run",
                    warmUp ? i : i - warmUps, warmUp ? warmUps : runs, Stats.millis(run.connectNanos()),
                    run.firstByteNanos() < 0 ? "none" : "after " + Stats.millis(run.firstByteNanos()));
        }
        return new Startup(List.copyOf(command), where(target), warmUps, measured);
    }

    private static String where(InetSocketAddress target) {
        return target.getAddress().getHostAddress() + ":" + target.getPort();
    }

    private static Run once(List<String> command, InetSocketAddress target) throws IOException, Main.Failure {
        Path stderr = Files.createTempFile("bench-startup-", ".stderr");
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)    // so that it never blocks on a full pipe
                    .redirectError(stderr.toFile());                    // kept, for a server that fails
            long start = System.nanoTime();
            Process server = builder.start();
            try {
                Run run;
                // Closed before the server stops: the side that closes first keeps the TIME_WAIT,
                // and ours is on our own port, not the server's.
                try (Socket socket = connect(server, target, start, stderr)) {
                    long connected = System.nanoTime() - start;
                    run = new Run(connected, firstByte(socket, start));
                }
                return run;
            } finally {
                stop(server);
                awaitFree(target.getPort());
            }
        } finally {
            Files.deleteIfExists(stderr);
        }
    }

    /** Connects as soon as the server listens: tries every millisecond, and checks that the server is still there. */
    private static Socket connect(Process server, InetSocketAddress target, long start, Path stderr)
            throws IOException, Main.Failure {
        while (true) {
            long left = CONNECT_WITHIN - (System.nanoTime() - start);
            if (left > 0) {
                Socket socket = new Socket();
                try {
                    socket.connect(target, (int) Math.max(1, left / MILLI));
                    return socket;
                } catch (ConnectException | SocketTimeoutException notYet) {
                    socket.close();             // refused: nobody listens yet
                } catch (IOException e) {
                    socket.close();
                    throw e;
                }
            }
            if (!server.isAlive()) {
                throw new Main.Failure("the server exited with code " + server.exitValue()
                        + " before it accepted a connection on " + where(target) + tail(stderr));
            }
            if (left <= 0) {
                stop(server);
                throw new Main.Failure("nothing accepted a connection on " + where(target) + " within "
                        + CONNECT_WITHIN / SECOND + " s of starting the server, so it was stopped (does it listen on"
                        + " that port?)" + tail(stderr));
            }
            LockSupport.parkNanos(MILLI);
        }
    }

    /** When the server's first byte arrived, or -1 if none came within FIRST_BYTE_WITHIN: the early steps never send. */
    private static long firstByte(Socket socket, long start) {
        try {
            socket.setSoTimeout((int) (FIRST_BYTE_WITHIN / MILLI));
            return socket.getInputStream().read() < 0 ? -1 : System.nanoTime() - start;
        } catch (IOException silentOrGone) {
            return -1;
        }
    }

    /**
     * SIGTERM to the server and to whatever it started (a script that runs java without exec),
     * then SIGKILL to whichever is still there after STOP_WITHIN.
     */
    private static void stop(Process server) {
        List<ProcessHandle> all = new ArrayList<>(server.descendants().toList());
        all.add(server.toHandle());
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + STOP_WITHIN;
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                p.destroyForcibly();
                p.onExit().join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            } catch (ExecutionException e) {
                throw new IllegalStateException(e);     // onExit never completes exceptionally
            }
        }
    }

    /** Waits until the next server can listen on the port: the kernel closes a listener after its process is gone. */
    private static void awaitFree(int port) throws Main.Failure {
        long start = System.nanoTime();
        while (!free(port)) {
            if (System.nanoTime() - start > STOP_WITHIN) {
                throw new Main.Failure("port " + port + " is still in use " + STOP_WITHIN / SECOND
                        + " s after the server exited");
            }
            LockSupport.parkNanos(MILLI);
        }
    }

    /** Whether a server could listen on the port now: binding it, as a server does, works. */
    static boolean free(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);    // as a server does: a connection of the last run in TIME_WAIT does not count
            s.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException inUse) {
            return false;
        }
    }

    /** The last lines the server wrote to stderr, for a failure's message. */
    private static String tail(Path stderr) {
        List<String> lines;
        try {
            lines = Files.readAllLines(stderr, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
        if (lines.isEmpty()) {
            return "; its stderr was empty";
        }
        List<String> last = lines.subList(Math.max(0, lines.size() - STDERR_LINES), lines.size());
        String indent = System.lineSeparator() + "  ";
        return "; the last lines of its stderr:" + indent + String.join(indent, last);
    }

    List<Long> connects() {
        return runs.stream().map(Run::connectNanos).toList();
    }

    /** The first-byte times of the runs that got one. */
    List<Long> firstBytes() {
        return runs.stream().map(Run::firstByteNanos).filter(t -> t >= 0).toList();
    }

    long connectedWithinGraderWait() {
        return runs.stream().filter(r -> r.connectNanos() <= GRADER_WAIT).count();
    }

    String table() {
        StringBuilder t = new StringBuilder();
        t.append(f("startup: %s, %d runs, %s (%s)%n%n", String.join(" ", command), runs.size(), target,
                warmUps == 0 ? "no warm-up run" : f("%d warm-up run%s not counted", warmUps, warmUps == 1 ? "" : "s")));
        t.append(f("  %-12s %13s %13s %13s%n", "", "min", "median", "max"));
        t.append(spreadRow("connected", connects()));
        t.append(spreadRow("first byte", firstBytes()));
        t.append(f("                from just before the process starts to the first connect that succeeds (tried every%n"
                + "                millisecond), and to the first byte the server sends on it (none: nothing in %d s)%n",
                FIRST_BYTE_WITHIN / SECOND));
        t.append(f("  by %d ms     connected in %d of %d runs: a grader that connects once, %d ms after it starts the%n"
                + "                server, needs every one%n", GRADER_WAIT / MILLI, connectedWithinGraderWait(), runs.size(),
                GRADER_WAIT / MILLI));
        t.append(f("%n  %4s %13s %13s%n", "run", "connected", "first byte"));
        for (int i = 0; i < runs.size(); i++) {
            Run r = runs.get(i);
            t.append(f("  %4d %13s %13s%n", i + 1, Stats.millis(r.connectNanos()),
                    r.firstByteNanos() < 0 ? "none" : Stats.millis(r.firstByteNanos())));
        }
        return t.toString();
    }

    private static String spreadRow(String name, List<Long> values) {
        if (values.isEmpty()) {
            return f("  %-12s %13s %13s %13s%n", name, "none", "none", "none");
        }
        Spread s = Spread.of(values);
        return f("  %-12s %13s %13s %13s%n", name, Stats.millis(s.min()), Stats.millis(s.median()), Stats.millis(s.max()));
    }

    String json() {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("scenario", "startup");
        j.put("target", target);
        j.put("command", command);
        j.put("runs", runs.size());
        j.put("warm_up_runs", warmUps);
        j.put("connect_s", seconds(connects()));
        j.put("first_byte_s", firstBytes().isEmpty() ? null : seconds(firstBytes()));
        j.put("first_byte_none", runs.size() - firstBytes().size());
        j.put("connected_within_100ms", connectedWithinGraderWait());
        List<Map<String, Object>> each = new ArrayList<>();
        for (Run r : runs) {
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("connect_s", r.connectNanos() / 1e9);
            run.put("first_byte_s", r.firstByteNanos() < 0 ? null : r.firstByteNanos() / 1e9);
            each.add(run);
        }
        j.put("per_run", each);
        return Report.json(j) + "\n";
    }

    private static Map<String, Object> seconds(List<Long> values) {
        Spread s = Spread.of(values);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("min", s.min() / 1e9);
        m.put("median", s.median() / 1e9);
        m.put("max", s.max() / 1e9);
        return m;
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
