package chatsrv;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fresh server for every test, on a port the kernel picks, with its user file and key in a
 * directory of the test's own, stopped after the test. Passwords are hashed with few
 * iterations, so that registering takes a millisecond. The build runs these tests twice, at
 * --threads 1 and at --threads 4 (pom.xml), unless a test names its own --threads.
 */
@Tag("server")
abstract class ServerTest {
    /** The --threads of this run of the tests. */
    static final String THREADS = System.getProperty("chatsrv.threads", "1");

    /** Iterations that make a hash take well under a millisecond: the tests check the rules, not the cost. */
    static final String TEST_ITERATIONS = "1000";

    ServerProcess server;
    int port;
    @TempDir
    Path dir;

    /** The server's command line; a test class overrides this to add options (see args). */
    String[] serverArgs() {
        return args();
    }

    /** The options every test server has, then {@code more}. */
    String[] args(String... more) {
        List<String> all = new ArrayList<>(List.of("--port", "0", "--users", dir.resolve("users.db").toString(),
                "--secret-file", dir.resolve("users.key").toString(), "--hash-iterations", TEST_ITERATIONS));
        all.addAll(Arrays.asList(more));
        return all.toArray(new String[0]);
    }

    /**
     * The options every test server has, with its user file and key in {@code dir} (made if need
     * be), then {@code more}: for a second server next to the test's own, or a test that is no
     * ServerTest, so that no server ever writes users.db or users.key into the module.
     */
    static String[] argsIn(Path dir, String... more) throws IOException {
        Files.createDirectories(dir);
        List<String> all = new ArrayList<>(List.of("--port", "0", "--users", dir.resolve("users.db").toString(),
                "--secret-file", dir.resolve("users.key").toString(), "--hash-iterations", TEST_ITERATIONS));
        all.addAll(Arrays.asList(more));
        return all.toArray(new String[0]);
    }

    /** How the server is started; a test class overrides this to start it differently. */
    ServerProcess launch() throws Exception {
        return ServerProcess.start(withThreads(serverArgs()));
    }

    /** {@code args}, and --threads THREADS unless they say how many. */
    static String[] withThreads(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        if (!all.contains("--threads")) {
            all.addAll(List.of("--threads", THREADS));
        }
        return all.toArray(new String[0]);
    }

    @BeforeEach
    void startServer() throws Exception {
        server = launch();
        port = server.port();
    }

    @AfterEach
    void stopServer() throws Exception {
        server.close();
    }
}
