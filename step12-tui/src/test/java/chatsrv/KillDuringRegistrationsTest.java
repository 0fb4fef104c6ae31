package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A server killed with SIGKILL in the middle of 200 registrations (no goodbye, no flush, the
 * user file's writer stopped wherever it was) starts again on a whole user file: every account
 * it said OK REGISTER for is there, and every other one is there whole or not at all.
 */
class KillDuringRegistrationsTest extends ServerTest {
    private static final int USERS = 200;
    private static final String ITERATIONS = "20000";

    @Override
    String[] serverArgs() {
        // Slow enough hashes (some 5 ms each, one hasher) that the kill lands while registrations go on.
        return args("--threads", "1", "--hash-iterations", ITERATIONS);
    }

    @Test
    void aKilledServerRestartsOnAWholeUserFile() throws Exception {
        Set<String> ok = ConcurrentHashMap.newKeySet();
        List<Client> clients = new ArrayList<>();
        ExecutorService readers = Executors.newFixedThreadPool(USERS);
        try {
            for (int i = 0; i < USERS; i++) {
                Client c = Client.welcomed(port);
                c.channel.socket().setSoTimeout(30_000); // a cold server hashes slowly: the answer may take seconds
                clients.add(c);
            }
            for (int i = 0; i < USERS; i++) {
                Client c = clients.get(i);
                String name = "user-" + i;
                c.send("REGISTER " + name + " " + Client.passwordOf(name) + "\n");
                readers.submit(() -> {
                    try {
                        if (c.readLine().equals("OK REGISTER " + name)) {
                            ok.add(name);
                        }
                    } catch (IOException e) {
                        // killed before it answered
                    }
                    return null;
                });
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> ok.size() >= 10);
            server.signal("KILL");
            assertThat(server.awaitExit()).isEqualTo(128 + 9);
            assertThat(ok.size()).as("killed in the middle, not after the last").isLessThan(USERS);
        } finally {
            readers.shutdownNow();
            readers.awaitTermination(10, TimeUnit.SECONDS);
            for (Client c : clients) {
                c.close();
            }
        }
        Set<String> confirmed = Set.copyOf(ok);
        System.out.printf("measured: %d of %d registrations confirmed before SIGKILL%n", confirmed.size(), USERS);

        server = ServerProcess.start(args("--threads", "2", "--hash-iterations", ITERATIONS));
        port = server.port();
        int accounts = Integer.parseInt(server.awaitGroup("users: ", "users: (\\d+) accounts? in"));
        assertThat(accounts).isGreaterThanOrEqualTo(confirmed.size());
        // Every name logs in at once (a denial waits 100 ms: one after the other would take 20 s).
        ExecutorService logins = Executors.newFixedThreadPool(USERS);
        List<Future<String>> answers = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            String name = "user-" + i;
            answers.add(logins.submit(() -> {
                try (Client c = Client.welcomed(port)) {
                    c.channel.socket().setSoTimeout(30_000); // 200 hashes are ahead of some of them
                    c.send("LOGIN " + name + " " + Client.passwordOf(name) + "\n");
                    return c.readLine();
                }
            }));
        }
        int loggedIn = 0;
        for (int i = 0; i < USERS; i++) {
            String name = "user-" + i;
            String answer = answers.get(i).get(30, TimeUnit.SECONDS);
            if (confirmed.contains(name)) {
                assertThat(answer).as(name + " was confirmed").isEqualTo("OK LOGIN " + name);
            } else {
                assertThat(answer).as(name).matches("OK LOGIN " + name + "|ERR LOGIN denied .*");
            }
            loggedIn += answer.startsWith("OK") ? 1 : 0;
        }
        logins.shutdown();
        assertThat(loggedIn).as("every account in the file works").isEqualTo(accounts);
    }
}
