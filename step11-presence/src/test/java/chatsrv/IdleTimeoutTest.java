package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * --idle-timeout: the server closes a client that has sent no line for that long, and only
 * that one, with "BYE idle for N ms"; logged in or not.
 */
class IdleTimeoutTest extends ServerTest {
    @Override
    String[] serverArgs() {
        return args("--idle-timeout", "400ms");
    }

    @Test
    void onlyTheSilentClientIsClosed() throws Exception {
        Client talker = Client.registered(port, "talker");
        // Before silent's last line: its 400 ms count from when the server read it, which a
        // slow registration (a hash and two fsyncs) may put well before the registration's answer.
        long start = System.nanoTime();
        try (talker; Client silent = Client.registered(port, "silent")) {

            // The talker speaks every 100 ms (pacing, not waiting), so it is never silent for 400 ms.
            int sent = 0;
            while (server.count("idle for") == 0) {
                assertThat(System.nanoTime() - start).as("the silent client was not closed within 2 s").isLessThan(2_000_000_000L);
                talker.send("MSG * still here\n");
                sent++;
                Thread.sleep(100);
            }
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

            assertThat(server.awaitLine("idle for")).contains("connection terminated: " + silent.address() + " idle for 400 ms");
            assertThat(elapsedMillis).as("milliseconds until closed").isBetween(400L, 2000L);
            // Silent is not deaf: it heard the talker until it was told why it goes, and closed.
            List<String> heard = silent.readUntilEndOfStream();
            assertThat(heard).last().isEqualTo("BYE idle for 400 ms");
            assertThat(heard.subList(0, heard.size() - 1)).isNotEmpty().allMatch(line -> line.equals("FROM talker * still here"));
            for (int i = 0; i < sent; i++) {
                talker.expect("FROM talker * still here");
            }
            talker.send("MSG * and now?\n").expect("FROM talker * and now?");
            assertThat(server.count("idle for")).isEqualTo(1);
            server.awaitLine("silent logged out");
        }
    }

    /** The end that closes first is the end that waits in TIME-WAIT: here, the server's. */
    @Test
    void theServerClosedFirstSoItsSideWaitsInTimeWait() throws Exception {
        try (Client silent = Client.connect(port)) {
            int clientPort = silent.localPort();
            assertThat(silent.readLine()).startsWith("Welcome");
            // never logged in: idle all the same, after 400 ms; then the server's FIN
            assertThat(silent.readUntilEndOfStream()).containsExactly("BYE idle for 400 ms");
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
