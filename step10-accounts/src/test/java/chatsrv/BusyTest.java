package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.List;
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
}
