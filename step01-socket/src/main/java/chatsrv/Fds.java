package chatsrv;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Descriptor numbers. Java gives a channel no public way to tell its file descriptor, so we
 * look where lsof looks: every entry of /proc/self/fd is a link, and a socket's link reads
 * {@code socket:[inode]}.
 */
final class Fds {
    private static final Path SELF_FD = Path.of("/proc/self/fd");

    private Fds() {
    }

    /** The descriptor numbers of this process that are sockets, right now. */
    static Set<Integer> sockets() throws IOException {
        Set<Integer> fds = new HashSet<>();
        try (Stream<Path> links = Files.list(SELF_FD)) {
            for (Path link : (Iterable<Path>) links::iterator) {
                try {
                    if (Files.readSymbolicLink(link).toString().startsWith("socket:[")) {
                        fds.add(Integer.parseInt(link.getFileName().toString()));
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor that listed the directory itself is gone by now: skip it
                }
            }
        }
        return fds;
    }
}
