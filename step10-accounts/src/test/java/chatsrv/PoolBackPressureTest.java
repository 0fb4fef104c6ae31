package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A pool that falls behind makes the loop stop reading, instead of queueing without end: from
 * a client with EventLoop.READS_IN_POOL reads in the pool, and from every client of a worker
 * whose queue is full. Once the pool catches up, the loop reads again, and nothing is lost.
 */
class PoolBackPressureTest {
    /** A server with two workers, whose first (worker-1, Connection.worker 0) waits for {@code stuck} before each task. */
    private static InProcessServer withWorkerOneStuck(CountDownLatch stuck) throws Exception {
        return new InProcessServer(Options.parse("--threads", "2", "--no-prefix"), chat -> (from, messages, arena) -> {
            if (from.worker == 0) {
                try {
                    stuck.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            chat.onMessages(from, messages, arena);
        });
    }

    @Test
    void aClientWhoseWorkerIsStuckIsNoLongerReadWhileTheOtherWorkerServesAndNothingIsLost() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        try (InProcessServer server = withWorkerOneStuck(stuck)) {
            int port = server.port();
            Client flooder = Client.connect(port); // clients go to the workers in turn: worker-1
            flooder.readLine();
            Client other = Client.connect(port); // worker-2
            other.readLine();
            String flooderName = "127.0.0.1:" + flooder.localPort();

            // The flooder writes lines, numbered, until it is told to stop; and reads, so that
            // it is never cut off as too slow once its lines come back.
            AtomicLong written = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            Thread flood = new Thread(() -> {
                try {
                    for (long n = 0; !stop.get(); n++) {
                        flooder.send(String.format("flood %09d %s\n", n, "x".repeat(80)));
                        written.set(n + 1);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            flood.start();

            // The loop stops reading from the flooder once the pool holds READS_IN_POOL of its
            // reads: what it writes fills the kernel's buffers, and then its writes stop, for as
            // long as the worker is stuck.
            long[] last = {-1};
            await().pollInterval(Duration.ofMillis(100)).during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(20)).until(() -> {
                long now = written.get();
                boolean still = now == last[0];
                last[0] = now;
                return still;
            });
            System.out.printf("measured: the flooder's writes stopped after %d lines (%d KiB)%n", last[0], last[0] * 97 / 1024);

            // What stopped it is the bound on one client's reads in the pool, well before its
            // worker's queue was full.
            assertThat(server.count("reads waiting: holding reads")).isZero();

            // Meanwhile the other client, on the other worker, is served.
            other.send("still there?\n");
            assertThat(nextNonFloodLine(other)).isEqualTo("still there?");

            // The flooder reads what comes back to it, or it would be cut off as too slow.
            Thread drain = new Thread(() -> {
                try {
                    while (true) {
                        flooder.readLine();
                    }
                } catch (Exception closed) {
                    // end of the test
                }
            });
            drain.start();
            stop.set(true);
            stuck.countDown();
            flood.join();
            long sent = written.get();
            // Every line the flooder sent arrives, once, in order.
            for (long n = 0; n < sent; n++) {
                String line = other.readLine();
                assertThat(line).startsWith(String.format("flood %09d ", n));
            }
            flooder.close();
            drain.join();
            other.close();
            assertThat(server.count("message from " + flooderName)).isEqualTo(sent);
        }
    }

    @Test
    void aWorkerWithAFullQueueHoldsReadsFromAllItsClientsUntilItCatchesUp() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        try (InProcessServer server = withWorkerOneStuck(stuck)) {
            int port = server.port();
            // Clients go to the workers in turn: the even ones to worker-1, which is stuck.
            List<Client> clients = new ArrayList<>();
            for (int i = 0; i < 2 * (Workers.QUEUE + 8); i++) {
                clients.add(Client.connect(port));
                clients.get(i).readLine();
            }
            Client other = clients.get(1); // on worker-2
            for (int i = 0; i < clients.size(); i += 2) {
                clients.get(i).send("line from " + i + "\n");
            }
            server.awaitLine("worker-1 has " + Workers.QUEUE + " reads waiting: holding reads from its clients until it catches up");

            other.send("worker-2 still works\n");
            assertThat(other.readLine()).isEqualTo("worker-2 still works");

            stuck.countDown();
            server.awaitLine("worker-1 has caught up: reading from its clients again");
            Set<String> heard = new HashSet<>();
            for (int i = 0; i < Workers.QUEUE + 8; i++) {
                heard.add(other.readLine());
            }
            assertThat(heard).hasSize(Workers.QUEUE + 8).allMatch(l -> l.startsWith("line from "));
            for (Client c : clients) {
                c.close();
            }
        }
    }

    private static String nextNonFloodLine(Client c) throws Exception {
        for (String line; ; ) {
            line = c.readLine();
            if (!line.startsWith("flood ")) {
                return line;
            }
        }
    }
}
