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
            for (Client c : clients) {
                c.readLine();
            }
            clients.get(0).send("hello\n");
            for (Client c : clients) {
                c.readLine();
            }
            long before = Proc.cpuTicks(server.pid());

            // A spinning loop burns about 30 ticks in 300 ms; a few leave room for the JIT and GC threads.
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1))
                    .until(() -> Proc.cpuTicks(server.pid()) - before <= 5);
        } finally {
            for (Client c : clients) {
                c.close();
            }
        }
    }
}
