package chatsrv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;

/**
 * A fresh server for every test, on a port the kernel picks, stopped after the test. The build
 * runs these tests twice, at --threads 1 and at --threads 4 (pom.xml), unless a test names its
 * own --threads.
 */
@Tag("server")
abstract class ServerTest {
    /** The --threads of this run of the tests. */
    static final String THREADS = System.getProperty("chatsrv.threads", "1");

    ServerProcess server;
    int port;

    /** The server's command line; a test class overrides this to add options. */
    String[] serverArgs() {
        return new String[] {"--port", "0"};
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
