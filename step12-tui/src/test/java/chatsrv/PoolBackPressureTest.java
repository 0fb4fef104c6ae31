package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * whose queue is full. Once the pool catches up, the loop reads again, and nothing is lost. A
 * client whose password is being checked counts the same: the chat keeps what it sends
 * meanwhile for after the verdict, and is done with none of those reads until then.
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

    /**
     * While a client's password is being checked (VERIFYING), the chat keeps its lines for
     * after the verdict (User.unread) and tells the loop it is done with none of those reads:
     * so the loop stops reading from the client at READS_IN_POOL of them, however much it sends.
     * What the server holds of a client it cannot yet answer stays bounded; the rest waits in
     * the kernel, and then in the client.
     */
    @Test
    void aClientWhosePasswordIsBeingCheckedIsReadNoFurtherThanThePoolBound() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Options options = InProcessServer.options(dir, "--threads", "1");
        AtomicLong written = new AtomicLong();
        Thread flood;
        try (InProcessServer server = new InProcessServer(options, InProcessServer.Delegating::new);
                Client client = Client.welcomed(server.port())) {
            // The hash of the LOGIN waits for the test: the client stays VERIFYING meanwhile.
            server.holdHashers(release);
            client.send("LOGIN nobody " + Client.passwordOf("nobody") + "\n");
            server.awaitLine(client.address() + ": LOGIN nobody (password not logged)");

            // More than the kernel can hold between the two ends (the client's send buffer and
            // the server's receive buffer, each as large as Linux lets it grow), twice over: a
            // server that read on would take all of it, and the writes would never stop.
            long limit = 2 * (largestBuffer("tcp_wmem") + largestBuffer("tcp_rmem"));
            byte[] lines = ("PING " + "x".repeat(1018) + "\n").repeat(64).getBytes(StandardCharsets.US_ASCII); // 64 KiB
            flood = new Thread(() -> {
                try {
                    while (written.get() < limit) {
                        client.send(lines);
                        written.addAndGet(lines.length);
                    }
                } catch (IOException e) {
                    // closed by the test, its writes still blocked
                }
            });
            flood.start();

            long[] last = {-1};
            await().pollInterval(Duration.ofMillis(100)).during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(20)).until(() -> {
                long now = written.get();
                boolean still = now == last[0];
                last[0] = now;
                return still;
            });
            System.out.printf("measured: a client VERIFYING could send %d KiB before its writes stopped (%d KiB would not have)%n",
                    last[0] / 1024, limit / 1024);
            assertThat(last[0]).as("bytes written before the writes stopped, of %d", limit).isLessThan(limit);

            // The verdict, once the hash is let through; what waited behind it comes after.
            release.countDown();
            assertThat(client.readLine()).isEqualTo("ERR LOGIN denied wrong name or password");
            client.expect("PONG " + "x".repeat(1018));
        }
        flood.join(ServerProcess.STARTUP.toMillis());
        assertThat(flood.isAlive()).as("the flood stopped once its socket closed").isFalse();
    }

    /** The most a TCP buffer may grow to, from /proc/sys/net/ipv4/tcp_rmem or tcp_wmem ("min default max"). */
    private static long largestBuffer(String name) throws IOException {
        // One read with room for it all: a sysctl file read a byte at a time, as Files.readString
        // reads a file whose size says 0, gives only its first byte.
        String[] fields = Files.readAllLines(Path.of("/proc/sys/net/ipv4", name)).get(0).trim().split("\\s+");
        return Long.parseLong(fields[2]);
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
