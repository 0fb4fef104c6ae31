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

/**
 * The server starts exactly the threads it says: worker-1 to worker-N, as many hashers
 * (hasher-1 to hasher-N) and the users-writer, no more while it serves, however many register
 * and log in; no worker and no hasher with --threads 0.
 */
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
        return named(names, "worker-");
    }

    private static Set<String> named(Set<String> names, String prefix) {
        Set<String> named = new TreeSet<>(names);
        named.removeIf(n -> !n.startsWith(prefix));
        return named;
    }

    @Test
    void itStartsTheWorkersItSaysAndNoOtherThreadWhileServing() throws Exception {
        int said = Integer.parseInt(server.awaitGroup("listening on", ", (\\d+) worker threads?"));
        assertThat(said).isEqualTo(Integer.parseInt(THREADS));
        Set<String> atStart = threadNames(server.pid());
        assertThat(workers(atStart)).containsExactlyInAnyOrderElementsOf(
                IntStream.rangeClosed(1, said).mapToObj(i -> "worker-" + i).toList());
        assertThat(server.awaitLine("listening on")).endsWith(", " + said + " hasher" + (said == 1 ? "" : "s"));
        assertThat(named(atStart, "hasher-")).containsExactlyInAnyOrderElementsOf(
                IntStream.rangeClosed(1, said).mapToObj(i -> "hasher-" + i).toList());
        assertThat(atStart).contains("users-writer");

        List<Client> clients = new ArrayList<>();
        try {
            // Each registers (a hash, and the user file written), then logs in again (a hash),
            // then writes to everyone: every thread of the server has work to do.
            for (int i = 0; i < 20; i++) {
                Client.registered(port, "user" + i).close();
                clients.add(Client.loggedIn(port, "user" + i));
            }
            for (Client c : clients) {
                c.send("MSG * hello from " + c.localPort() + "\n");
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
        try (ServerProcess noPool = ServerProcess.start(argsIn(dir.resolve("no-pool"), "--threads", "0"));
                Client c = Client.registered(noPool.port(), "alice")) {
            assertThat(noPool.awaitLine("listening on")).endsWith(", 0 worker threads, 0 hashers");
            c.send("MSG * served by the loop itself\n").expect("FROM alice * served by the loop itself");
            c.send("LOGIN alice again\n").expect("ERR LOGIN already-logged-in you are logged in as alice");
            Set<String> threads = threadNames(noPool.pid());
            assertThat(workers(threads)).isEmpty();
            assertThat(named(threads, "hasher-")).isEmpty();
        }
    }
}
