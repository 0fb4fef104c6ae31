package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** From step 02: the socket is bound and listening; a busy port gets a clear answer. */
class ListenTest extends ServerTest {
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

    @Test
    void aBusyPortGetsOneClearLineAndExitCode1() throws Exception {
        try (ServerProcess second = ServerProcess.start(argsIn(dir.resolve("second"), "--port", Integer.toString(port)))) {
            assertThat(second.awaitExit()).isEqualTo(1);
            assertThat(second.errorLines()).singleElement().asString()
                    .startsWith("chatsrv: cannot listen on port " + port)
                    .contains("--port");
        }
    }
}
