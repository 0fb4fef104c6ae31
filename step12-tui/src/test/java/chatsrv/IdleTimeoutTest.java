package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
        // The talker speaks every 100 ms (pacing, not waiting), so it is never silent for 400 ms,
        // from its own thread: silent's registration (a hash and two fsyncs) may take longer than
        // 400 ms on a loaded machine, and the talker must not fall silent meanwhile.
        AtomicInteger sent = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        Thread talking = new Thread(() -> {
            try {
                while (!stop.get()) {
                    talker.send("MSG * still here\n");
                    sent.incrementAndGet();
                    Thread.sleep(100);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "talker");
        // Before silent's last line: its 400 ms count from when the server read it, which a
        // slow registration may put well before the registration's answer.
        long start = System.nanoTime();
        try (talker; Client silent = Client.registered(port, "silent")) {
            talking.start();
            await("the silent client closed within 2 s").atMost(Duration.ofSeconds(2))
                    .until(() -> server.count("idle for") > 0);
            stop.set(true);
            talking.join();
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

            assertThat(server.awaitLine("idle for")).contains("connection terminated: " + silent.address() + " idle for 400 ms");
            assertThat(elapsedMillis).as("milliseconds until closed").isBetween(400L, 2100L);
            // Silent is not deaf: it heard the talker until it was told why it goes, and closed.
            List<String> heard = silent.readUntilEndOfStream();
            assertThat(heard).last().isEqualTo("BYE idle for 400 ms");
            assertThat(heard.subList(0, heard.size() - 1)).allMatch(line -> line.equals("FROM talker * still here"));
            for (int i = 0; i < sent.get(); i++) {
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
