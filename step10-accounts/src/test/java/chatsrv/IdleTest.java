package chatsrv;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Idle means idle: connected clients that say nothing cost the server no CPU. */
class IdleTest extends ServerTest {
    @Test
    void fiftyIdleClientsCostNoCpu() throws Exception {
        List<Client> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                clients.add(Client.connect(port));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> server.count("accepted connection") == 50);
            clients.get(0).send("hello\n");
            server.awaitLine("hello");
            server.assertNotSpinning();
        } finally {
            for (Client c : clients) {
                c.close();
            }
        }
    }
}
