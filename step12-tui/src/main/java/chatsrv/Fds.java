package chatsrv;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Descriptor numbers. Java gives a channel no public way to tell its file descriptor, so we
 * look where lsof looks: /proc/net/tcp lists every TCP socket that has an address, with its
 * inode, and every entry of /proc/self/fd is a link that reads {@code socket:[inode]} for a
 * socket. Both are read in full, so one call costs a few system calls per open socket: fine
 * at start-up and for a lesson's handful of clients, but called for every accept it would make
 * accepting n clients O(n²). Called by main.
 */
final class Fds {
    private static final Path SELF_FD = Path.of("/proc/self/fd");

    private Fds() {
    }

    /** The descriptor number of an IPv4 TCP channel that is bound, or -1 if it cannot be found. */
    static int of(NetworkChannel channel) {
        try {
            InetSocketAddress local = (InetSocketAddress) channel.getLocalAddress();
            InetSocketAddress remote = channel instanceof SocketChannel c
                    ? (InetSocketAddress) c.getRemoteAddress()
                    : null;
            String inode = inodeOf(hex(local), remote == null ? "00000000:0000" : hex(remote));
            return inode == null ? -1 : fdOf("socket:[" + inode + "]");
        } catch (IOException e) {
            return -1;
        }
    }

    /** The inode in the /proc/net/tcp row whose local and remote addresses are these. */
    private static String inodeOf(String local, String remote) throws IOException {
        List<String> rows = Files.readAllLines(Path.of("/proc/net/tcp"));
        for (String row : rows.subList(1, rows.size())) {
            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
            String[] f = row.trim().split("\\s+");
            if (f[1].equals(local) && f[2].equals(remote)) {
                return f[9];
            }
        }
        return null;
    }

    private static int fdOf(String target) throws IOException {
        try (Stream<Path> links = Files.list(SELF_FD)) {
            for (Path link : (Iterable<Path>) links::iterator) {
                try {
                    if (Files.readSymbolicLink(link).toString().equals(target)) {
                        return Integer.parseInt(link.getFileName().toString());
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor that listed the directory itself is gone by now: skip it
                }
            }
        }
        return -1;
    }

    /** 127.0.0.1:3100 as the kernel writes it: the address as a little-endian int, the port big-endian. */
    private static String hex(InetSocketAddress address) {
        byte[] a = address.getAddress().getAddress();
        return String.format("%02X%02X%02X%02X:%04X", a[3], a[2], a[1], a[0], address.getPort());
    }
}
