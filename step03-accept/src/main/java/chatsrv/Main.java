package chatsrv;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Step 03: accept(2). The server takes each finished handshake off the accept queue and gets a
 * new socket for that client. It serves nobody yet, and it blocks in accept(2) until the next
 * client comes, which is why step 04 needs something better than a blocking loop.
 */
public final class Main {
    /** How many finished handshakes the kernel may queue for us before accept(2) takes them. */
    static final int BACKLOG = 50;

    private Main() {
    }

    public static void main(String[] args) throws IOException {
        Options options;
        try {
            options = Options.parse(args);
        } catch (Args.UsageException e) {
            System.err.println("chatsrv: " + e.getMessage() + " (try --help)");
            System.exit(2);
            return;
        }
        if (options == null) {
            System.out.print(Options.HELP);
            return;
        }
        // Listen first, before anything that can wait: clients can connect from here on.
        ServerSocketChannel listener;
        try {
            listener = listen(options.port());
        } catch (BindException e) {
            // EADDRINUSE, most often; EACCES for a port below 1024 without the right to it
            String likely = "Address already in use".equals(e.getMessage()) ? " Is another server running there?" : "";
            System.err.println("chatsrv: cannot listen on port " + options.port() + ": " + e.getMessage() + "." + likely
                    + " Choose another port with --port N (0 picks a free one).");
            System.exit(1);
            return;
        }
        Log log = new Log(System.out);
        log.info("pid %d, listening on %s (fd %d, backlog %d)", ProcessHandle.current().pid(),
                address(listener.getLocalAddress()), Fds.of(listener), BACKLOG);
        acceptForever(listener, log);
    }

    /** One client at a time: block in accept(2), log the new connection, block again. */
    static void acceptForever(ServerSocketChannel listener, Log log) throws IOException {
        // Accepted connections are kept, not served: nothing reads them yet, and nothing closes
        // them, so a client that leaves stays in CLOSE_WAIT on our side (ss shows it).
        List<SocketChannel> connections = new ArrayList<>();
        while (true) {
            SocketChannel connection = listener.accept();
            connections.add(connection);
            log.info("accepted connection from %s (fd %d)", address(connection.getRemoteAddress()), Fds.of(connection));
        }
    }

    /** socket(2), setsockopt(2), bind(2) and listen(2): a socket that clients can connect to. */
    static ServerSocketChannel listen(int port) throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.INET);
        try {
            // Lets a restarted server bind its port while connections of the previous run still
            // sit in TIME_WAIT. The JDK already sets it on server sockets; we say it anyway, since
            // the program relies on it and the C version has to ask for it.
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            // The wildcard address 0.0.0.0: every interface of this machine, as the C version's INADDR_ANY.
            listener.bind(new InetSocketAddress(port), BACKLOG);
            return listener;
        } catch (IOException e) {
            listener.close();
            throw e;
        }
    }

    /** 127.0.0.1:3100, without the host name or slash of InetSocketAddress.toString(). */
    static String address(SocketAddress address) {
        InetSocketAddress a = (InetSocketAddress) address;
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
