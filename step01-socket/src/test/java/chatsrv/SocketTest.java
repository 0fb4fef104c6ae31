package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Step 01: the server creates one socket and leaves it without an address. */
class SocketTest {
    private ServerProcess server;
    private int fd;

    @BeforeEach
    void start() throws Exception {
        server = ServerProcess.start();
        fd = Integer.parseInt(server.awaitGroup("socket fd", "socket fd (\\d+)"));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void theLoggedDescriptorIsASocketOfTheServer() {
        assertThat(Proc.fdTarget(server.pid(), fd)).matches("socket:\\[\\d+]");
    }

    @Test
    void theSocketIsBoundToNothing() {
        long inode = Proc.socketInode(Proc.fdTarget(server.pid(), fd));

        // The kernel lists a TCP socket in /proc/net/tcp once it has an address (bound,
        // listening or connected). A fresh socket is in none of those tables: ss does not show
        // it, and lsof, finding no address, shows only "sock ... protocol: TCP".
        assertThat(Proc.tcp()).noneMatch(row -> row.inode() == inode);
    }

    @Test
    void enterClosesTheSocketAndExits() throws Exception {
        server.typeLine("");

        assertThat(server.awaitExit()).isZero();
        assertThat(server.lines()).anyMatch(l -> l.contains("socket closed"));
    }
}
