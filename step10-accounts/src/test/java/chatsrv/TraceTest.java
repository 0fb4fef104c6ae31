package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** --trace: a line per wakeup of the loop, saying why it woke; none without it. --select-timeout: wakeups with nothing to do. */
class TraceTest {
    @Test
    void traceLogsEachWakeupWithWhatWasReady() throws Exception {
        try (ServerProcess server = ServerProcess.start("--port", "0", "--threads", "2", "--trace");
                Client c = Client.connect(server.port())) {
            c.readLine();
            String name = "127.0.0.1:" + c.localPort();
            c.send("traced\n");
            c.readLine();
            assertThat(server.awaitLine("ready: listener accept")).matches(".* trace: woke after \\d+\\.\\d{3} ms, 1 ready: listener accept; inbox \\d+");
            assertThat(server.awaitLine(name + " read")).matches(".* trace: woke after \\d+\\.\\d{3} ms, 1 ready: " + name + " read; inbox \\d+");
        }
    }

    @Test
    void withoutTraceThereIsNoTraceLine() throws Exception {
        try (ServerProcess server = ServerProcess.start("--port", "0", "--threads", "2");
                Client c = Client.connect(server.port())) {
            c.readLine();
            c.send("not traced\n");
            c.readLine();
            server.awaitLine("message from");
            assertThat(server.count("trace:")).isZero();
        }
    }

    @Test
    void aSelectTimeoutWakesAnIdleLoop() throws Exception {
        try (ServerProcess server = ServerProcess.start("--port", "0", "--select-timeout", "20", "--trace")) {
            server.port();
            // Nothing happens, yet the loop wakes every 20 ms: each wakeup finds nothing to do.
            await().atMost(Duration.ofSeconds(5)).until(() -> server.count("0 ready; inbox 0") >= 10);
        }
    }
}
