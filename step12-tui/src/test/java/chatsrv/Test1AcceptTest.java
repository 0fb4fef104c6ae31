package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Mirrors course Test1 (accept): one log line per accepted client, no more, no less. In step10
 * as in Part I: accepting comes before any protocol, so a client that connects and leaves
 * without a word, never registering, is one accepted connection all the same.
 */
class Test1AcceptTest extends ServerTest {
    static final String ACCEPTED = "accepted connection";

    private SocketChannel connect() throws Exception {
        return SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
    }

    private void awaitAccepted(int n) {
        await().atMost(Duration.ofSeconds(2)).until(() -> server.count(ACCEPTED) == n);
    }

    @Test
    void oneConnectAndCloseIsOneAcceptedConnection() throws Exception {
        connect().close();

        awaitAccepted(1);
    }

    @Test
    void eachClientIsAcceptedExactlyOnce() throws Exception {
        SocketChannel c1 = connect();
        connect().close();

        awaitAccepted(2);
        // and no third line turns up afterwards
        await().during(Duration.ofMillis(50)).atMost(Duration.ofSeconds(1)).until(() -> server.count(ACCEPTED) == 2);

        connect().close();
        connect().close();
        c1.close();
        awaitAccepted(4);
    }

    @Test
    void theLogNamesTheClientsAddress() throws Exception {
        try (SocketChannel client = connect()) {
            int clientPort = ((InetSocketAddress) client.getLocalAddress()).getPort();

            assertThat(server.awaitLine("accepted connection from 127.0.0.1:" + clientPort)).contains("(clients: 1)");
        }
    }
}
