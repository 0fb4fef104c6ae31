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
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Step 10: chatsrv with accounts. One thread, the event loop, does all the I/O; a pool of
 * --threads workers runs the chat's rules on what clients send, and as many hashers check
 * their passwords; one more thread writes the user file. Clients register and log in, then
 * write to everyone or to one user (notes/protocol.md).
 */
public final class Main {
    /**
     * How many finished handshakes the kernel may queue for us before accept(2) takes them.
     * Java's default is 50: one thread that serves thousands of clients must expect a burst
     * of connects bigger than that, and a SYN the kernel drops costs its client a second before
     * it tries again. The kernel caps it at net.core.somaxconn (4096 on recent kernels).
     */
    static final int BACKLOG = 1024;
    /** How long a stopping server waits for the user file's writer to finish the accounts it has. */
    private static final long ACCOUNTS_GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);

    private Main() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
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
        // The user file, or one line and exit 1: a server that cannot read it must not start
        // with no accounts, and later write that empty list over the accounts it could not read.
        Accounts accounts;
        try {
            UserFileCipher cipher = Ciphers.find(options.cipher(), options.cipherPlugin());
            byte[] key = SecretKeyFile.load(options.secretFile());
            accounts = new Accounts(options.users(), cipher, key, UserFile.load(options.users(), cipher, key), log);
            log.info("users: %d account%s in %s (cipher %s, key in %s)", accounts.size(), accounts.size() == 1 ? "" : "s",
                    options.users(), cipher.name(), options.secretFile());
        } catch (Exception e) {
            System.err.println("chatsrv: " + e.getMessage());
            System.exit(1);
            return;
        }
        if (options.hashIterations() < Passwords.DEFAULT_ITERATIONS) {
            log.info("passwords: new ones hashed with %d PBKDF2 iterations, fewer than the %d a real server needs: for tests only",
                    options.hashIterations(), Passwords.DEFAULT_ITERATIONS);
        }
        // The loop is ready before the log says so: from the "listening" line on, it is serving.
        EventLoop loop = new EventLoop(listener, log, options);
        Hashers hashers = new Hashers(options.threads());
        Chat chat = new Chat(options, log, loop, accounts, new Passwords(options.hashIterations()), hashers);
        Workers workers = new Workers(options.threads(), chat, loop, log);
        workers.start();
        log.info("pid %d, listening on %s (fd %d, backlog %d), %d worker thread%s, %d hasher%s", ProcessHandle.current().pid(),
                address(listener.getLocalAddress()), Fds.of(listener), BACKLOG, workers.size(), workers.size() == 1 ? "" : "s",
                hashers.size(), hashers.size() == 1 ? "" : "s");
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
        loop.run(chat, workers);
        hashers.stop();
        // A registration on its way to disk is finished, so its file is whole; a crash here
        // would leave it whole too (UserFile.save), only without the newest accounts.
        long rewrites = accounts.stop(ACCOUNTS_GRACE_NANOS);
        log.info("users: %d account%s, the user file written %d time%s", accounts.size(), accounts.size() == 1 ? "" : "s",
                rewrites, rewrites == 1 ? "" : "s");
        log.flush();
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
