package chatsrv;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;

/**
 * Step 07: echo. Every line a client sends comes back to it, all of them, in order, however
 * many arrive in one read. A client that sends but does not read is not allowed to fill the
 * server's memory: while too much output waits for it, the server stops reading from it.
 */
public final class Main {
    static final int DEFAULT_PORT = 3100;
    /** How many finished handshakes the kernel may queue for us before accept(2) takes them. */
    static final int BACKLOG = 50;

    private Main() {
    }

    public static void main(String[] args) throws IOException {
        int port;
        try {
            port = parsePort(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
            return;
        }
        if (port < 0) {
            System.out.println(usage());
            return;
        }
        Log log = new Log(System.out);

        try (ServerSocketChannel listener = listen(port)) {
            log.info("pid %d, listening on %s (fd %d, backlog %d)", ProcessHandle.current().pid(),
                    address(listener.getLocalAddress()), Fds.of(listener), BACKLOG);
            new EventLoop(listener, new Chat(log), log).run();
        } catch (BindException e) {
            System.err.printf("error: cannot listen on port %d: %s. Is another server running there? "
                    + "Choose another port with --port N (0 picks a free one).%n", port, e.getMessage());
            System.exit(1);
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

    /** The port asked for with --port, the default without it, or -1 for --help. */
    static int parsePort(String[] args) {
        int port = DEFAULT_PORT;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-h", "--help" -> {
                    return -1;
                }
                case "-p", "--port" -> {
                    String value = i + 1 < args.length ? args[++i] : "";
                    try {
                        port = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        port = -1;
                    }
                    if (port < 0 || port > 65535) {
                        throw new IllegalArgumentException("--port needs a number from 0 to 65535, not '" + value + "'");
                    }
                }
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
            }
        }
        return port;
    }

    static String usage() {
        return """
                usage: java -jar step07-echo.jar [--port N]
                  -p, --port N   the TCP port to listen on (default %d; 0 lets the kernel pick a free one)
                  -h, --help     show this help""".formatted(DEFAULT_PORT);
    }
}
