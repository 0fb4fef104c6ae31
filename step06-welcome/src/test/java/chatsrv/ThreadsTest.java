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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** One thread: serving clients starts no thread of the server's own. */
class ThreadsTest extends ServerTest {
    /**
     * The threads of the server process by name (as the kernel keeps them: 15 characters), less
     * those the JVM starts and stops by itself when it needs them: the JIT's compilers, G1's
     * collector threads ("GC Thread#1", "G1 Conc#1", "G1 Refine#1"), and the attach listener.
     */
    private Set<String> threadNames() {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(server.pid()), "task"))) {
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

    @Test
    void servingClientsStartsNoThread() throws Exception {
        Set<String> atStart = threadNames();

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

            assertThat(threadNames()).isEqualTo(atStart);
            // Threads Java code starts without naming them are called Thread-N or pool-N-thread-M.
            assertThat(atStart).noneMatch(n -> n.startsWith("Thread-") || n.startsWith("pool-"));
        } finally {
            for (Client c : clients) {
                c.close();
            }
        }
    }
}
