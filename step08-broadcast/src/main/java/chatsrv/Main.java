package chatsrv;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Step 08: chatsrv, the complete chat server. Every line a client sends goes to every client,
 * whole and in order; slow clients are cut off instead of slowing the others; one thread
 * serves everyone.
 */
public final class Main {
    /**
     * How many finished handshakes the kernel may queue for us before accept(2) takes them.
     * Java's default is 50: one thread that serves thousands of clients must expect a burst
     * of connects bigger than that, and a SYN the kernel drops costs its client a second before
     * it tries again. The kernel caps it at net.core.somaxconn (4096 on recent kernels).
     */
    static final int BACKLOG = 1024;

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
        // stdout through a 64 KiB buffer that the event loop flushes once per pass (see Log)
        Log log = new Log(new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16), false, UTF_8));
        // The loop is ready before the log says so: from the "listening" line on, it is serving.
        EventLoop loop = new EventLoop(listener, new Chat(options, log), log, options);
        log.info("pid %d, listening on %s (fd %d, backlog %d)", ProcessHandle.current().pid(),
                address(listener.getLocalAddress()), Fds.of(listener), BACKLOG);
        // Ctrl-C and kill: the JVM runs these handlers on a thread of its own, which only asks
        // the loop to stop; the loop says goodbye to the clients and returns, and main exits 0.
        // sun.misc.Signal is not a standard API (it lives in the jdk.unsupported module, which
        // the JDK keeps for this use). The standard way, Runtime.addShutdownHook, runs once the
        // JVM is already exiting: the hook's thread would have to wait for the loop, and the
        // exit code would be 128 + the signal's number (130, 143) whatever the server does.
        if (Signal.handle(new Signal("INT"), s -> loop.shutdown("SIGINT")) == SignalHandler.SIG_IGN) {
            // A shell without job control starts a background command with SIGINT ignored, and
            // the JVM then keeps it so: Ctrl-C and kill -INT would do nothing, and say nothing.
            log.info("SIGINT is ignored in this process (started in the background by a script?): stop it with kill %d",
                    ProcessHandle.current().pid());
        }
        Signal.handle(new Signal("TERM"), s -> loop.shutdown("SIGTERM"));
        log.flush();
        loop.run();
        listener.close();
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
