package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** From step 02: the socket is bound and listening; a busy or bad port gets a clear answer. */
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
    void aBusyPortGetsOneClearLineAndExitCode1() throws Exception {
        try (ServerProcess second = ServerProcess.start("--port", Integer.toString(port))) {
            assertThat(second.awaitExit()).isEqualTo(1);
            assertThat(second.errorLines()).singleElement().asString()
                    .startsWith("error: cannot listen on port " + port)
                    .contains("--port");
        }
    }

    @Test
    void aBadPortGetsAnErrorAndExitCode2() throws Exception {
        try (ServerProcess bad = ServerProcess.start("--port", "http")) {
            assertThat(bad.awaitExit()).isEqualTo(2);
            assertThat(bad.errorLines()).first().asString().isEqualTo("error: --port needs a number from 0 to 65535, not 'http'");
        }
    }

    @Test
    void helpDescribesThePortOption() throws Exception {
        try (ServerProcess help = ServerProcess.start("--help")) {
            assertThat(help.awaitExit()).isZero();
            assertThat(help.lines()).anyMatch(l -> l.contains("--port N") && l.contains("default 3100"));
        }
    }
}
