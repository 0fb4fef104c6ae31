package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.EOFException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** --idle-timeout: the server closes a client that has sent no line for that long, and only that one. */
class IdleTimeoutTest extends ServerTest {
    @Override
    String[] serverArgs() {
        return new String[] {"--port", "0", "--idle-timeout", "400ms"};
    }

    @Test
    void onlyTheSilentClientIsClosed() throws Exception {
        try (Client silent = Client.connect(port); Client talker = Client.connect(port)) {
            silent.readLine();
            talker.readLine();
            long start = System.nanoTime();

            // The talker speaks every 100 ms (pacing, not waiting), so it is never silent for 400 ms.
            int sent = 0;
            while (server.count("idle for") == 0) {
                assertThat(System.nanoTime() - start).as("the silent client was not closed within 2 s").isLessThan(2_000_000_000L);
                talker.send("still here\n");
                sent++;
                Thread.sleep(100);
            }
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

            assertThat(server.awaitLine("idle for")).contains("127.0.0.1:" + silent.localPort()).contains("idle for 400 ms");
            assertThat(elapsedMillis).as("milliseconds until closed").isBetween(400L, 2000L);
            // Silent is not deaf: it heard the talker until it was closed.
            List<String> heard = new ArrayList<>();
            try {
                while (true) {
                    heard.add(silent.readLine());
                }
            } catch (EOFException endOfStream) {
                // the server closed it
            }
            assertThat(heard).isNotEmpty().allMatch(line -> line.endsWith(": still here"));
            for (int i = 0; i < sent; i++) {
                assertThat(talker.readLine()).endsWith(": still here");
            }
            talker.send("and now?\n");
            assertThat(talker.readLine()).endsWith(": and now?");
            assertThat(server.count("idle for")).isEqualTo(1);
        }
    }

    /** The end that closes first is the end that waits in TIME-WAIT: here, the server's. */
    @Test
    void theServerClosedFirstSoItsSideWaitsInTimeWait() throws Exception {
        try (Client silent = Client.connect(port)) {
            int clientPort = silent.localPort();
            assertThat(silent.readLine()).startsWith("Welcome");
            assertThat(silent.atEndOfStream()).isTrue(); // the server's FIN, after 400 ms
            silent.close(); // our FIN: the server's side moves from FIN-WAIT-2 to TIME-WAIT

            String remote = String.format(":%04X", clientPort);
            await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(Proc.tcp()).anySatisfy(row -> {
                assertThat(row.localPort()).isEqualTo(port);
                assertThat(row.remote()).endsWith(remote);
                assertThat(row.state()).isEqualTo(Proc.TcpRow.TIME_WAIT);
            }));
        }
    }
}
