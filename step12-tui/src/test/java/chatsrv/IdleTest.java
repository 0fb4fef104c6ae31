package chatsrv;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Idle means idle: connected clients that say nothing, logged in or not, cost the server no CPU. */
class IdleTest extends ServerTest {
    @Test
    void fiftyIdleClientsCostNoCpu() throws Exception {
        List<Client> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                clients.add(i % 2 == 0 ? Client.connect(port) : Client.registered(port, "user" + i));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> server.count("accepted connection") == 50);
            clients.get(1).send("MSG * hello\n").expect("FROM user1 * hello");
            server.awaitLine(": MSG * hello");
            server.assertNotSpinning();
        } finally {
            for (Client c : clients) {
                c.close();
            }
        }
    }
}
