package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The server starts exactly the threads it says: worker-1 to worker-N, no more while it serves, none with --threads 0. */
class ThreadsTest extends ServerTest {
    /**
     * The threads of a process by name (as the kernel keeps them: 15 characters), less those
     * the JVM starts and stops by itself when it needs them: the JIT's compilers, G1's collector
     * threads ("GC Thread#1", "G1 Conc#1", "G1 Refine#1"), and the attach listener.
     */
    private static Set<String> threadNames(long pid) {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            Set<String> names = new TreeSet<>();
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String name = Files.readString(task.resolve("comm")).trim();
                if (!name.contains("CompilerThre") && !name.startsWith("GC Thread") && !name.startsWith("G1 ")
                        && !name.equals("Attach Listener")) {
                    names.add(name);
                }
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<String> workers(Set<String> names) {
        Set<String> workers = new TreeSet<>(names);
        workers.removeIf(n -> !n.startsWith("worker-"));
        return workers;
    }

    @Test
    void itStartsTheWorkersItSaysAndNoOtherThreadWhileServing() throws Exception {
        int said = Integer.parseInt(server.awaitGroup("listening on", ", (\\d+) worker threads?"));
        assertThat(said).isEqualTo(Integer.parseInt(THREADS));
        Set<String> atStart = threadNames(server.pid());
        assertThat(workers(atStart)).containsExactlyInAnyOrderElementsOf(
                IntStream.rangeClosed(1, said).mapToObj(i -> "worker-" + i).toList());

        List<Client> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                clients.add(Client.connect(port));
            }
            for (Client c : clients) {
                c.send("hello from " + c.localPort() + "\n");
            }
            for (Client c : clients) {
                server.awaitLine("hello from " + c.localPort());
            }

            assertThat(threadNames(server.pid())).isEqualTo(atStart);
            // Threads Java code starts without naming them are called Thread-N or pool-N-thread-M.
            assertThat(atStart).noneMatch(n -> n.startsWith("Thread-") || n.startsWith("pool-"));
        } finally {
            for (Client c : clients) {
                c.close();
            }
        }
    }

    @Test
    void withThreadsZeroThereIsNoWorker() throws Exception {
        try (ServerProcess noPool = ServerProcess.start("--port", "0", "--threads", "0");
                Client c = Client.connect(noPool.port())) {
            assertThat(noPool.awaitLine("listening on")).endsWith(", 0 worker threads");
            c.readLine();
            c.send("served by the loop itself\n");
            assertThat(c.readLine()).endsWith(": served by the loop itself");
            assertThat(workers(threadNames(noPool.pid()))).isEmpty();
        }
    }
}
