package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Stopping while the workers still hold messages: every message read before the stop reaches
 * everyone before the goodbye, the workers exit, and it all takes less than a second; a worker
 * that does not finish in time is stopped.
 */
class ShutdownInFlightTest {
    @Test
    void messagesTheWorkersHoldAreDeliveredBeforeTheGoodbye() throws Exception {
        CountDownLatch handling = new CountDownLatch(1);
        Options options = Options.parse("--threads", "2", "--no-prefix");
        // Each message takes the worker 10 ms: ten of them are still in the pool when the server
        // stops, and done well within the 500 ms it waits for them.
        InProcessServer server = new InProcessServer(options, chat -> (from, messages, arena) -> {
            handling.countDown();
            for (int i = 0; i < messages.count(); i++) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            chat.onMessages(from, messages, arena);
        });
        try (server; Client sender = Client.connect(server.port()); Client other = Client.connect(server.port())) {
            sender.readLine();
            other.readLine();
            sender.send("one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\n");
            assertThat(handling.await(5, TimeUnit.SECONDS)).isTrue();

            long start = System.nanoTime();
            server.shutdown();
            long millis = (System.nanoTime() - start) / 1_000_000;

            for (String expected : new String[] {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}) {
                assertThat(other.readLine()).isEqualTo(expected);
            }
            assertThat(other.readLine()).contains("shutting down");
            assertThat(other.atEndOfStream()).isTrue();
            assertThat(server.workersFinished()).isTrue();
            assertThat(millis).as("milliseconds to stop").isLessThan(1000);
            System.out.printf("measured: stopped in %d ms with ten messages in the pool%n", millis);
        }
    }

    @Test
    void aWorkerThatDoesNotFinishInTimeIsStopped() throws Exception {
        CountDownLatch handling = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        Options options = Options.parse("--threads", "1");
        InProcessServer server = new InProcessServer(options, chat -> (from, messages, arena) -> {
            handling.countDown();
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // stopped: give up the task
            }
        });
        try (server; Client client = Client.connect(server.port())) {
            client.readLine();
            client.send("this takes for ever\n");
            assertThat(handling.await(5, TimeUnit.SECONDS)).isTrue();

            long start = System.nanoTime();
            server.shutdown();
            long millis = (System.nanoTime() - start) / 1_000_000;

            assertThat(server.lines()).anyMatch(l -> l.contains("the workers did not finish within 500 ms: stopping them"));
            assertThat(server.workersFinished()).isTrue();
            assertThat(client.readLine()).contains("shutting down");
            assertThat(millis).as("milliseconds to stop").isLessThan(1000);
        }
    }
}
