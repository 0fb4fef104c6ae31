package chatsrv;

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
            server.assertNotSpinning();
        } finally {
            for (Client c : clients) {
                c.close();
            }
        }
    }
}
