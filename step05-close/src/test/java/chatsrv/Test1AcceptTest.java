package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Mirrors course Test1 (accept): one log line per accepted client, no more, no less. */
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
    void theLoggedDescriptorIsTheClientsConnection() throws Exception {
        try (SocketChannel client = connect()) {
            int clientPort = ((InetSocketAddress) client.getLocalAddress()).getPort();
            String line = server.awaitLine("from 127.0.0.1:" + clientPort);
            int fd = Integer.parseInt(line.replaceAll(".*\\(fd (\\d+)\\).*", "$1"));

            // The server's end of this connection: local port = the server's, remote = the client's.
            long inode = Proc.socketInode(Proc.fdTarget(server.pid(), fd));
            assertThat(Proc.tcp()).anySatisfy(row -> {
                assertThat(row.inode()).isEqualTo(inode);
                assertThat(row.localPort()).isEqualTo(port);
                assertThat(row.remote()).endsWith(String.format(":%04X", clientPort));
                assertThat(row.state()).isEqualTo(Proc.TcpRow.ESTABLISHED);
            });
        }
    }
}
