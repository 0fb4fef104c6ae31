package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Out of descriptors: accept(2) fails with EMFILE while clients keep waiting in the accept
 * queue, so the listener stays readable. The server must neither spin on it nor stop serving.
 */
class DescriptorExhaustionTest extends ServerTest {
    private final List<Client> clients = new ArrayList<>();

    @Override
    ServerProcess launch() throws Exception {
        // The JVM itself needs about 20 descriptors; the rest are for clients.
        return ServerProcess.startWithDescriptorLimit(48, withThreads("--port", "0"));
    }

    @AfterEach
    void closeClients() throws Exception {
        for (Client c : clients) {
            c.close();
        }
    }

    @Test
    void runningOutOfDescriptorsNeitherSpinsNorStopsService() throws Exception {
        // More clients than descriptors: the kernel completes every handshake, the server cannot accept them all.
        for (int i = 0; i < 60; i++) {
            clients.add(Client.connect(port));
        }
        server.awaitLine("accept failed: Too many open files");
        long accepted = server.count("accepted connection");
        assertThat(accepted).isBetween(10L, 59L);
        System.out.printf("measured: %d of 60 clients accepted under ulimit -n 48%n", accepted);

        // No spin: with the listener readable and accept failing, a naive loop burns a whole core.
        server.assertNotSpinning();

        // Service goes on for those connected.
        clients.get(1).send("still here\n");
        server.awaitLine("still here");

        // A client leaves, a descriptor comes back, and a waiting client is accepted and served.
        clients.get(0).close();
        await().atMost(Duration.ofSeconds(2)).until(() -> server.count("accepted connection") > accepted);
        Client waiting = clients.get((int) accepted);
        waiting.send("in at last\n");
        assertThat(server.awaitLine("in at last")).contains("127.0.0.1:" + waiting.localPort());
    }

    /**
     * The JVM loads a class on first use, and loading one from a directory of classes (as this
     * test runs the server) needs a descriptor. If the first client ever took the last one, the
     * loop thread would die of NoClassDefFoundError loading Connection at that first accept. The
     * server loads it at start-up; this proves it, through a message and a close.
     */
    @Test
    void theFirstClientMayTakeTheLastDescriptor() throws Exception {
        try (ServerProcess fresh = ServerProcess.start("--port", "0")) {
            int freshPort = fresh.port();
            long open = Proc.fdCount(fresh.pid());
            // From now on the server may open exactly one more descriptor: the first client's socket.
            Proc.limitDescriptors(fresh.pid(), open + 1);

            try (Client c1 = Client.connect(freshPort); Client c2 = Client.connect(freshPort)) {
                fresh.awaitLine("accept failed: Too many open files");
                c1.send("first words\n");
                fresh.awaitLine("first words");
                c1.send("half a line");
                c1.close();
                fresh.awaitLine("dropped 11 bytes of an unfinished line");
                c2.send("second client\n");
                fresh.awaitLine("second client");
                assertThat(fresh.errorLines()).isEmpty();
            }
        }
    }
}
