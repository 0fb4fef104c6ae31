package chatsrv;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.util.HashSet;
import java.util.Set;

/**
 * Step 01: socket(2). Creates a TCP socket and does nothing else with it, so that you can
 * look at a socket that has no address yet.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws IOException {
        Log log = new Log(System.out);

        Set<Integer> before = Fds.sockets();
        // INET asks for an IPv4 (AF_INET) socket, as the C version does with
        // socket(AF_INET, SOCK_STREAM, 0). Plain open() would make a dual-stack AF_INET6 one.
        try (ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.INET)) {
            Set<Integer> created = new HashSet<>(Fds.sockets());
            created.removeAll(before);

            log.info("pid %d, socket fd %s: created, not bound to any address",
                    ProcessHandle.current().pid(), created.size() == 1 ? created.iterator().next() : "?");
            log.info("press Enter (or Ctrl-C) to close the socket and exit");
            waitForEnter();
        }
        log.info("socket closed, bye");
    }

    /** Returns when Enter is pressed. With no terminal (stdin at end of file), waits for a signal instead. */
    static void waitForEnter() throws IOException {
        if (System.in.read() < 0) {
            // stdin is /dev/null or closed (started in the background): wait for Ctrl-C or kill instead.
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
