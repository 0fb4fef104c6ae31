package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pool that falls behind makes the loop stop reading, instead of queueing without end: from
 * a client with EventLoop.READS_IN_POOL reads in the pool, and from every client of a worker
 * whose queue is full. Once the pool catches up, the loop reads again, and nothing is lost.
 */
class PoolBackPressureTest {
    @TempDir
    Path dir;

    /**
     * The chat's work, but worker-1 (Connection.worker 0) waits for {@code stuck} before each
     * read it is handed, once {@code armed}. Verdicts pass: the wait is the read's, which the
     * loop counts until the chat says it is done with it.
     */
    private static final class WorkerOneStuck extends InProcessServer.Delegating {
        private final CountDownLatch stuck;
        volatile boolean armed;

        WorkerOneStuck(Chat chat, CountDownLatch stuck, boolean armed) {
            super(chat);
            this.stuck = stuck;
            this.armed = armed;
        }

        @Override
        public void onMessages(Connection from, Messages messages, Arena arena) {
            if (armed && from.worker == 0) {
                try {
                    stuck.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            super.onMessages(from, messages, arena);
        }
    }

    private WorkerOneStuck work;

    /** A server with two workers, whose first gets stuck as WorkerOneStuck says. */
    private InProcessServer withWorkerOneStuck(CountDownLatch stuck, boolean armed) throws Exception {
        return new InProcessServer(InProcessServer.options(dir, "--threads", "2"), chat -> work = new WorkerOneStuck(chat, stuck, armed));
    }

    @Test
    void aClientWhoseWorkerIsStuckIsNoLongerReadWhileTheOtherWorkerServesAndNothingIsLost() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        try (InProcessServer server = withWorkerOneStuck(stuck, false)) {
            int port = server.port();
            Client flooder = Client.registered(port, "flooder"); // clients go to the workers in turn: worker-1
            Client other = Client.registered(port, "other"); // worker-2
            String flooderName = flooder.address();
            work.armed = true;

            // The flooder writes messages, numbered, until it is told to stop; and reads, so that
            // it is never cut off as too slow once its messages come back.
            AtomicLong written = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            Thread flood = new Thread(() -> {
                try {
                    for (long n = 0; !stop.get(); n++) {
                        flooder.send(String.format("MSG * flood %09d %s\n", n, "x".repeat(80)));
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
            System.out.printf("measured: the flooder's writes stopped after %d lines (%d KiB)%n", last[0], last[0] * 103 / 1024);

            // What stopped it is the bound on one client's reads in the pool, well before its
            // worker's queue was full.
            assertThat(server.count("reads waiting: holding reads")).isZero();

            // Meanwhile the other client, on the other worker, is served: its message is the
            // first it gets, since none of the flooder's has been handled.
            other.send("MSG * still there?\n").expect("FROM other * still there?");

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
            // Every message the flooder sent arrives, once, in order.
            for (long n = 0; n < sent; n++) {
                String line = other.readLine();
                assertThat(line).startsWith(String.format("FROM flooder * flood %09d ", n));
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
        try (InProcessServer server = withWorkerOneStuck(stuck, true)) {
            int port = server.port();
            // Clients go to the workers in turn: the even ones to worker-1, which is stuck.
            List<Client> clients = new ArrayList<>();
            for (int i = 0; i < 2 * (Workers.QUEUE + 8); i++) {
                clients.add(Client.welcomed(port));
            }
            Client other = clients.get(1); // on worker-2
            for (int i = 0; i < clients.size(); i += 2) {
                clients.get(i).send("PING from-" + i + "\n");
            }
            server.awaitLine("worker-1 has " + Workers.QUEUE + " reads waiting: holding reads from its clients until it catches up");

            other.send("PING worker-2-still-works\n").expect("PONG worker-2-still-works");

            stuck.countDown();
            server.awaitLine("worker-1 has caught up: reading from its clients again");
            // Nothing lost: every held client is answered, the last ones' lines read only now.
            for (int i = 0; i < clients.size(); i += 2) {
                clients.get(i).expect("PONG from-" + i);
            }
            for (Client c : clients) {
                c.close();
            }
        }
    }
}
