package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Step 02: the socket is bound and listening; the kernel accepts handshakes on our behalf. */
class ListenTest extends ServerTest {
    private final List<SocketChannel> clients = new ArrayList<>();

    @AfterEach
    void closeClients() throws Exception {
        for (SocketChannel c : clients) {
            c.close();
        }
    }

    private SocketChannel connect() throws Exception {
        SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        clients.add(c);
        return c;
    }

    private Proc.TcpRow listenerRow() {
        return Proc.tcp().stream()
                .filter(r -> r.localPort() == port && r.state().equals(Proc.TcpRow.LISTEN))
                .findFirst().orElseThrow(() -> new AssertionError("no LISTEN socket on port " + port));
    }

    @Test
    void theLoggedDescriptorIsTheListeningSocket() {
        int fd = Integer.parseInt(server.awaitGroup("listening on", "fd (\\d+)"));

        assertThat(Proc.socketInode(Proc.fdTarget(server.pid(), fd))).isEqualTo(listenerRow().inode());
    }

    /** Mirrors the connect check of course Test1. */
    @Test
    void aClientConnectsAlthoughNobodyAccepts() throws Exception {
        SocketChannel c = connect();

        assertThat(c.isConnected()).isTrue();
    }

    @Test
    void finishedHandshakesWaitInTheAcceptQueue() throws Exception {
        connect();
        connect();
        connect();

        // For a listening socket, the kernel reports the accept queue's length as rx_queue
        // (ss -tln calls it Recv-Q). Nobody accepts, so all three stay queued.
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(listenerRow().rxQueue()).isEqualTo(3));
    }

    @Test
    void aBusyPortGetsOneClearLineAndExitCode1() throws Exception {
        try (ServerProcess second = ServerProcess.start("--port", Integer.toString(port))) {
            assertThat(second.awaitExit()).isEqualTo(1);
            assertThat(second.errorLines()).singleElement().asString()
                    .startsWith("chatsrv: cannot listen on port " + port)
                    .contains("--port");
        }
    }

    @Test
    void enterClosesTheListenerAndExits() throws Exception {
        server.typeLine("");

        assertThat(server.awaitExit()).isZero();
        assertThat(server.lines()).anyMatch(l -> l.contains("socket closed"));
        assertThat(Proc.tcp()).noneMatch(r -> r.localPort() == port && r.state().equals(Proc.TcpRow.LISTEN));
    }
}
