package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping while the workers still hold messages: every message read before the stop reaches
 * everyone before the goodbye, the workers exit, and it all takes less than a second; a worker
 * that does not finish in time is stopped; a login whose answer is still to come does not hold
 * the stop up.
 */
class ShutdownInFlightTest {
    private static final String GOODBYE = "BYE server shutting down";

    @TempDir
    Path dir;

    @Test
    void messagesTheWorkersHoldAreDeliveredBeforeTheGoodbye() throws Exception {
        CountDownLatch handling = new CountDownLatch(1);
        Options options = InProcessServer.options(dir, "--threads", "2");
        // Each message to everyone takes the worker 10 ms: ten of them are still in the pool
        // when the server stops, and done well within the 500 ms it waits for them.
        InProcessServer server = new InProcessServer(options, chat -> new InProcessServer.Delegating(chat) {
            @Override
            public void onMessages(Connection from, Messages messages, Arena arena) {
                if (InProcessServer.firstLineIs(messages, "MSG * one")) {
                    handling.countDown();
                }
                for (int i = 0; i < messages.count(); i++) {
                    if (!isMsg(messages.get(i))) {
                        continue; // REGISTER goes at full speed
                    }
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                super.onMessages(from, messages, arena);
            }
        });
        try (server; Client sender = Client.registered(server.port(), "sender"); Client other = Client.registered(server.port(), "other")) {
            sender.send("MSG * one\nMSG * two\nMSG * three\nMSG * four\nMSG * five\n"
                    + "MSG * six\nMSG * seven\nMSG * eight\nMSG * nine\nMSG * ten\n");
            assertThat(handling.await(5, TimeUnit.SECONDS)).isTrue();

            long start = System.nanoTime();
            server.shutdown();
            long millis = (System.nanoTime() - start) / 1_000_000;

            for (String expected : new String[] {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}) {
                other.expect("FROM sender * " + expected);
            }
            assertThat(other.readUntilEndOfStream()).containsExactly(GOODBYE);
            assertThat(server.workersFinished()).isTrue();
            assertThat(millis).as("milliseconds to stop").isLessThan(1000);
            System.out.printf("measured: stopped in %d ms with ten messages in the pool%n", millis);
        }
    }

    private static boolean isMsg(ByteBuffer line) {
        return line.remaining() >= 4 && line.get(0) == 'M' && line.get(1) == 'S' && line.get(2) == 'G' && line.get(3) == ' ';
    }

    @Test
    void aWorkerThatDoesNotFinishInTimeIsStopped() throws Exception {
        CountDownLatch handling = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        Options options = InProcessServer.options(dir, "--threads", "1");
        InProcessServer server = new InProcessServer(options, chat -> new InProcessServer.Delegating(chat) {
            @Override
            public void onMessages(Connection from, Messages messages, Arena arena) {
                handling.countDown();
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // stopped: give up the task
                }
            }
        });
        try (server; Client client = Client.welcomed(server.port())) {
            client.send("PING this-takes-for-ever\n");
            assertThat(handling.await(5, TimeUnit.SECONDS)).isTrue();

            long start = System.nanoTime();
            server.shutdown();
            long millis = (System.nanoTime() - start) / 1_000_000;

            assertThat(server.lines()).anyMatch(l -> l.contains("the workers did not finish within 500 ms: stopping them"));
            assertThat(server.workersFinished()).isTrue();
            assertThat(client.readUntilEndOfStream()).containsExactly(GOODBYE);
            assertThat(millis).as("milliseconds to stop").isLessThan(1000);
        }
    }

    @Test
    void aDeniedLoginWhoseAnswerIsStillToComeDoesNotHoldTheStopUp() throws Exception {
        Options options = InProcessServer.options(dir, "--threads", "1");
        try (InProcessServer server = new InProcessServer(options, InProcessServer.Delegating::new);
                Client client = Client.welcomed(server.port())) {
            String login = "LOGIN nobody " + Client.passwordOf("nobody") + "\n";
            for (int i = 0; i < 2; i++) {
                client.send(login).expect("ERR LOGIN denied wrong name or password");
            }
            // The third denial is due 400 ms after its hash (Chat.DENIED_DELAY_NANOS << 2); the
            // stop comes well before, and does not wait for it: the client, VERIFYING, gets the
            // goodbye, and neither the denial nor the answer to what waited behind it.
            client.send(login + "PING after\n");
            String loggedLogin = client.address() + ": LOGIN nobody (password not logged)";
            await().atMost(Duration.ofSeconds(2)).until(() -> server.count(loggedLogin) == 3);

            long start = System.nanoTime();
            server.shutdown();
            long millis = (System.nanoTime() - start) / 1_000_000;

            assertThat(client.readUntilEndOfStream()).containsExactly(GOODBYE);
            assertThat(server.workersFinished()).isTrue();
            assertThat(millis).as("milliseconds to stop").isLessThan(1000);
        }
    }
}
