package chatsrv;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A fresh server for every test, on a port the kernel picks, stopped after the test. */
abstract class ServerTest {
    ServerProcess server;
    int port;

    /** The server's command line; a test class overrides this to add options. */
    String[] serverArgs() {
        return new String[] {"--port", "0"};
    }

    /** How the server is started; a test class overrides this to start it differently. */
    ServerProcess launch() throws Exception {
        return ServerProcess.start(serverArgs());
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
