package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * --max-events 1: one ready socket per pass; the others wait their turn, in the order they
 * became ready, and the next select() does not sleep while any wait. A hundred users who all
 * write to everyone at once are all served, and a client that is always ready takes its turn
 * with the others instead of before them.
 */
class MaxEventsTest extends ServerTest {
    private static final int CLIENTS = 100;
    private static final int ROUNDS = 5;

    @Override
    String[] serverArgs() {
        return args("--max-events", "1", "--trace");
    }

    /** "... 1 ready: NAME read; inbox 0; 2 wait for the next pass": the key a pass handled, and how many waited. */
    private static final Pattern PASS = Pattern.compile("trace: woke after [\\d.]+ ms, 1 ready: (\\S+)[^;]*; inbox \\d+(?:; (\\d+) wait)?");

    @Test
    void oneEventPerPassStillServesAHundredClientsSpeakingAtOnce() throws Exception {
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(Client.registered(port, "user" + i));
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
                        c.send("MSG * client " + id + " round " + round + "\n");
                    }
                    while (lines.size() < CLIENTS * ROUNDS) {
                        String line = c.readLine();
                        assertThat(line).matches("FROM user(\\d+) \\* client \\1 round [0-" + (ROUNDS - 1) + "]");
                        lines.add(line);
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

    @Test
    void clientsThatAreAlwaysReadyTakeTurns() throws Exception {
        int lines = 2000;
        List<Client> clients = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(6);
        try {
            for (int i = 0; i < 3; i++) {
                Client c = Client.registered(port, "user" + i);
                clients.add(c);
                threads.submit(() -> {
                    while (true) {
                        c.readLine(); // everyone's lines, so that none is paused or cut off for not reading
                    }
                });
            }
            // Each sends 600 KB in one write: ten reads' worth, so it stays ready for many passes.
            for (int i = 0; i < 3; i++) {
                Client c = clients.get(i);
                byte[] blob = ("MSG * client " + i + " " + "x".repeat(284) + "\n").repeat(lines).getBytes();
                threads.submit(() -> c.send(blob));
            }
            for (Client c : clients) {
                String name = "127.0.0.1:" + c.localPort();
                await().atMost(Duration.ofSeconds(20)).until(() -> server.count("message from " + name) == lines);
            }
            // Whenever another key waited, the next pass handled another key: a key that is
            // ready again goes to the back of the line.
            String previous = null;
            int turns = 0;
            for (String line : server.lines()) {
                Matcher pass = PASS.matcher(line);
                if (!pass.find()) {
                    if (line.contains("trace: ")) {
                        previous = null; // a pass that handled no client
                    }
                    continue;
                }
                String handled = pass.group(1);
                assertThat(handled).as("handled right after it, while others waited: %s", line).isNotEqualTo(previous);
                previous = pass.group(2) == null ? null : handled;
                turns += previous == null ? 0 : 1;
            }
            assertThat(turns).as("passes in which a key waited").isPositive();
            System.out.printf("measured: %d passes in which other keys waited their turn%n", turns);
        } finally {
            threads.shutdownNow();
            for (Client c : clients) {
                c.close();
            }
        }
    }
}
