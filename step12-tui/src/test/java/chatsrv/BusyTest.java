package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * At most Hashers.QUEUE passwords wait for a hasher; one more REGISTER or LOGIN is told "busy"
 * at once, rather than answered a minute later, and the connection goes on working.
 */
class BusyTest extends ServerTest {
    private static final Pattern REFUSED = Pattern.compile("127\\.0\\.0\\.1:(\\d+): LOGIN refused");

    @Override
    String[] serverArgs() {
        // One hasher at the real cost: the queue fills far faster than it empties.
        return args("--threads", "1", "--hash-iterations", Integer.toString(Passwords.DEFAULT_ITERATIONS));
    }

    @Test
    void aLoginBeyondTheHashersQueueGetsBusyAtOnce() throws Exception {
        List<Client> clients = new ArrayList<>();
        try {
            // The queue, the password a hasher is on, and more: all sent at once, after every
            // client is connected, so that the hasher has no time to make room meanwhile.
            int many = Hashers.QUEUE + 32;
            for (int i = 0; i < many; i++) {
                clients.add(Client.welcomed(port));
            }
            for (int i = 0; i < many; i++) {
                clients.get(i).send("LOGIN nobody-" + i + " some password\n");
            }
            // Which clients were refused is up to the order the loop read them in: the log says.
            String refused = await().atMost(ServerProcess.STARTUP)
                    .until(() -> server.lines().stream().filter(l -> l.contains(": LOGIN refused")).findFirst(), o -> o.isPresent())
                    .get();
            Matcher m = REFUSED.matcher(refused);
            assertThat(m.find()).as(refused).isTrue();
            int refusedPort = Integer.parseInt(m.group(1));
            Client busy = null;
            for (Client c : clients) {
                busy = c.localPort() == refusedPort ? c : busy;
            }
            assertThat(busy).as("the refused client, by its port").isNotNull();
            assertThat(busy.readLine()).startsWith("ERR LOGIN busy ");
            busy.send("PING still-here\n").expect("PONG still-here");
        } finally {
            for (Client c : clients) {
                c.close();
            }
        }
    }

    /**
     * The bound is exactly Hashers.QUEUE: with every hasher busy (held by the test, in a server
     * of its own in the test's JVM), the first QUEUE of the logins that come wait for it, and
     * each one after them gets "busy" at once; once the hasher is free, every login that waited
     * is answered.
     */
    @Test
    void exactlyQueuePasswordsWaitForABusyHasher() throws Exception {
        int over = 8;
        CountDownLatch release = new CountDownLatch(1);
        List<Client> clients = new ArrayList<>();
        Options options = InProcessServer.options(dir, "--threads", "1");
        try (InProcessServer inProcess = new InProcessServer(options, InProcessServer.Delegating::new)) {
            inProcess.holdHashers(release);
            for (int i = 0; i < Hashers.QUEUE + over; i++) {
                clients.add(Client.welcomed(inProcess.port()));
            }
            // The logins go in batches, each handled before the next is sent, so that the worker
            // never has more reads waiting than its queue takes (Workers.QUEUE): all that is
            // counted here is the hashers' queue.
            for (int sent = 0; sent < clients.size(); ) {
                int batch = Math.min(Workers.QUEUE / 2, clients.size() - sent);
                for (int i = sent; i < sent + batch; i++) {
                    clients.get(i).send("LOGIN nobody-" + i + " some password\n");
                }
                sent += batch;
                long handled = sent;
                await().atMost(ServerProcess.STARTUP).until(() -> inProcess.count(": LOGIN nobody-") == handled);
            }
            // The hasher has taken none of them: the first QUEUE wait, and the rest are refused;
            // the last refusal is logged after the last login has gone to the hashers or been
            // refused. Only then may the hasher go on, or it would make room for more.
            await(over + " logins refused").atMost(ServerProcess.STARTUP).until(() -> inProcess.count(": LOGIN refused") >= over);
            release.countDown();

            // Every client's first answer: "busy" at once, or, for those that waited, the denial.
            int busy = 0;
            for (Client c : clients) {
                String answer = c.readLine();
                assertThat(answer).matches("ERR LOGIN (busy|denied) .*");
                busy += answer.startsWith("ERR LOGIN busy ") ? 1 : 0;
            }
            assertThat(busy).as("logins refused, of %d sent while the hasher was busy", clients.size()).isEqualTo(over);
        } finally {
            for (Client c : clients) {
                c.close();
            }
        }
    }

    /**
     * A worker's queue full of logins: each of them leaves its client waiting for a verdict,
     * so the chat says of none that it is done. The worker itself wakes the loop when it has
     * worked its queue down to half, and the loop reads on: every login sent at once reaches
     * the hashers' queue while the hashers are still held.
     */
    @Test
    void aWorkerQueueFullOfLoginsIsReadOnOnceTheWorkerCatchesUp() throws Exception {
        int logins = Workers.QUEUE * 3;
        CountDownLatch release = new CountDownLatch(1);
        List<Client> clients = new ArrayList<>();
        Options options = InProcessServer.options(dir, "--threads", "1");
        try (InProcessServer inProcess = new InProcessServer(options, InProcessServer.Delegating::new)) {
            inProcess.holdHashers(release);
            for (int i = 0; i < logins; i++) {
                clients.add(Client.welcomed(inProcess.port()));
            }
            for (int i = 0; i < logins; i++) {
                clients.get(i).send("LOGIN nobody-" + i + " some password\n");
            }
            await(logins + " logins handed to the hashers").atMost(ServerProcess.STARTUP)
                    .until(() -> inProcess.count(": LOGIN nobody-") == logins);
            release.countDown();
            for (Client c : clients) {
                assertThat(c.readLine()).startsWith("ERR LOGIN denied ");
            }
        } finally {
            for (Client c : clients) {
                c.close();
            }
        }
    }
}
