package chatbench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcTest {

    @Test
    void findsTheListeningSocketsInodeInATable() {
        List<String> table = List.of(
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
                "   0: 0100007F:0C1C 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000     0        0 111 1",
                "   1: 00000000:0C1C 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 222 1",
                "   2: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 333 1");
        assertThat(Proc.listeningInode(table, 3100)).isEqualTo(222);   // 0x0C1C, LISTEN; not the connected one
        assertThat(Proc.listeningInode(table, 8080)).isEqualTo(333);
        assertThat(Proc.listeningInode(table, 9999)).isEqualTo(-1);
    }

    @Test
    void findsThisProcessListeningAndReadsItsMemory() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertThat(Proc.pidListeningOn(listener.getLocalPort())).hasValue(ProcessHandle.current().pid());
        }
        assertThat(Proc.rssKb(ProcessHandle.current().pid())).isPositive();
        assertThat(Proc.openFileLimit()).isPositive();
    }
}
