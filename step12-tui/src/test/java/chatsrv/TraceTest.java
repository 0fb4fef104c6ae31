package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --trace: a line per wakeup of the loop, saying why it woke; none without it. --select-timeout: wakeups with nothing to do. */
class TraceTest {
    @TempDir
    Path dir;

    @Test
    void traceLogsEachWakeupWithWhatWasReady() throws Exception {
        try (ServerProcess server = ServerProcess.start(ServerTest.argsIn(dir, "--threads", "2", "--trace"));
                Client c = Client.welcomed(server.port())) {
            String name = c.address();
            c.send("PING traced\n").expect("PONG traced");
            assertThat(server.awaitLine("ready: listener accept")).matches(".* trace: woke after \\d+\\.\\d{3} ms, 1 ready: listener accept; inbox \\d+");
            assertThat(server.awaitLine(name + " read")).matches(".* trace: woke after \\d+\\.\\d{3} ms, 1 ready: " + name + " read; inbox \\d+");
        }
    }

    @Test
    void withoutTraceThereIsNoTraceLine() throws Exception {
        try (ServerProcess server = ServerProcess.start(ServerTest.argsIn(dir, "--threads", "2"));
                Client c = Client.registered(server.port(), "alice")) {
            c.send("MSG * not traced\n").expect("FROM alice * not traced");
            server.awaitLine("message from");
            assertThat(server.count("trace:")).isZero();
        }
    }

    @Test
    void aSelectTimeoutWakesAnIdleLoop() throws Exception {
        try (ServerProcess server = ServerProcess.start(ServerTest.argsIn(dir, "--select-timeout", "20", "--trace"))) {
            server.port();
            // Nothing happens, yet the loop wakes every 20 ms: each wakeup finds nothing to do.
            await().atMost(Duration.ofSeconds(5)).until(() -> server.count("0 ready; inbox 0") >= 10);
        }
    }
}
