package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * --max-events 1: one ready socket per pass; the others wait their turn, in the order they
 * became ready, and the next select() does not sleep while any wait. A hundred clients that
 * all speak at once are all served.
 */
class MaxEventsTest extends ServerTest {
    private static final int CLIENTS = 100;
    private static final int ROUNDS = 5;

    @Override
    String[] serverArgs() {
        return new String[] {"--port", "0", "--max-events", "1", "--trace", "--no-prefix"};
    }

    @Test
    void oneEventPerPassStillServesAHundredClientsSpeakingAtOnce() throws Exception {
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(Client.connect(port));
            clients.get(i).readLine();
        }
        ExecutorService threads = Executors.newFixedThreadPool(CLIENTS);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Set<String>>> heard = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                Client c = clients.get(i);
                int id = i;
                heard.add(threads.submit(() -> {
                    go.await();
                    Set<String> lines = new HashSet<>();
                    for (int round = 0; round < ROUNDS; round++) {
                        c.send("client " + id + " round " + round + "\n");
                    }
                    while (lines.size() < CLIENTS * ROUNDS) {
                        lines.add(c.readLine());
                    }
                    return lines;
                }));
            }
            go.countDown();
            for (Future<Set<String>> f : heard) {
                assertThat(f.get(30, TimeUnit.SECONDS)).hasSize(CLIENTS * ROUNDS);
            }
            // Each pass handled one key at most, and at times others waited for theirs.
            List<String> traced = server.lines().stream().filter(l -> l.contains("trace: woke after")).toList();
            assertThat(traced).allMatch(l -> l.matches(".* [01] ready.*"));
            assertThat(traced).anyMatch(l -> l.matches(".*; [1-9]\\d* wait for the next pass"));
            System.out.printf("measured: at most %d keys waited for a later pass%n", traced.stream()
                    .filter(l -> l.endsWith("wait for the next pass"))
                    .mapToInt(l -> Integer.parseInt(l.replaceAll(".*; (\\d+) wait for the next pass", "$1"))).max().orElse(0));
        } finally {
            threads.shutdownNow();
            for (Client c : clients) {
                c.close();
            }
        }
    }
}
