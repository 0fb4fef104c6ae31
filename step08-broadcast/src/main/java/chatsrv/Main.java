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
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * Step 08: chatsrv, the complete chat server. Every line a client sends goes to every client,
 * whole and in order; slow clients are cut off instead of slowing the others; one thread
 * serves everyone.
 */
@Command(name = "chatsrv", mixinStandardHelpOptions = true, sortOptions = false,
        version = "chatsrv (step08-broadcast)",
        description = "An event-driven TCP chat server: every line a client sends goes to every client.",
        footer = {"", "Example: chatsrv --port 3100 --idle-timeout 10m", "and in other terminals: nc 127.0.0.1 3100"})
public final class Main implements Callable<Integer> {
    /** How many finished handshakes the kernel may queue for us: enough for a burst of thousands of connects. */
    static final int BACKLOG = 1024;

    @Option(names = {"-p", "--port"}, defaultValue = "3100", paramLabel = "N",
            description = "TCP port to listen on; 0 lets the kernel pick a free one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--max-clients", defaultValue = "10000", paramLabel = "N",
            description = "clients served at once; one more is told the server is full and closed (default: ${DEFAULT-VALUE})")
    int maxClients;

    @Option(names = "--idle-timeout", defaultValue = "0", paramLabel = "TIME", converter = DurationConverter.class,
            description = "disconnect a client that has sent nothing for this long, e.g. 30s, 10m, 500ms; 0 = never (default: ${DEFAULT-VALUE})")
    Duration idleTimeout;

    @Option(names = "--max-pending", defaultValue = "1m", paramLabel = "BYTES", converter = SizeConverter.class,
            description = "output a client may leave unread before it is cut off as too slow, e.g. 64k, 1m (default: ${DEFAULT-VALUE})")
    long maxPending;

    @Option(names = "--prefix", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "start each delivered line with the sender's address, like '127.0.0.1:51234: ' (default: on, "
                    + "so everyone can tell who said what; --no-prefix delivers the bytes alone)")
    boolean prefix;

    public static void main(String[] args) {
        System.exit(execute(new Main(), args));
    }

    /** Runs a command line (this one or the chat client's): a bad option or value gets one line and exit code 2. */
    static int execute(Object command, String[] args) {
        CommandLine cli = new CommandLine(command);
        String name = cli.getCommandName();
        // one line, not picocli's default of the whole usage text
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println(name + ": " + e.getMessage() + " (see " + name + " --help)");
            return CommandLine.ExitCode.USAGE;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() throws IOException {
        if (port < 0 || port > 65535 || maxClients < 1 || maxPending < 1) {
            System.err.println("chatsrv: --port must be 0-65535, --max-clients and --max-pending at least 1 (see chatsrv --help)");
            return CommandLine.ExitCode.USAGE;
        }
        Log log = new Log(new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16), false, UTF_8));
        ServerSocketChannel listener;
        try {
            listener = listen(port);
        } catch (BindException e) {
            System.err.printf("chatsrv: cannot listen on port %d: %s. Is another server running there? "
                    + "Choose another port with --port N (0 picks a free one).%n", port, e.getMessage());
            return 1;
        }
        EventLoop loop = new EventLoop(listener, new Chat(prefix, log), log,
                new EventLoop.Limits(maxClients, maxPending, idleTimeout));
        // Ctrl-C and kill: the JVM runs these handlers on a thread of its own, which only asks
        // the loop to stop; the loop says goodbye to the clients and returns, and main exits 0.
        Signal.handle(new Signal("INT"), s -> loop.shutdown("SIGINT"));
        Signal.handle(new Signal("TERM"), s -> loop.shutdown("SIGTERM"));

        log.info("pid %d, listening on %s (fd %d, backlog %d)", ProcessHandle.current().pid(),
                address(listener.getLocalAddress()), Fds.of(listener), BACKLOG);
        log.flush();
        loop.run();
        listener.close();
        return 0;
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

    /** "30s", "10m", "500ms", "2h" or "0". */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        private static final Pattern FORMAT = Pattern.compile("(\\d+)(ms|s|m|h)?");

        @Override
        public Duration convert(String value) {
            Matcher m = FORMAT.matcher(value.trim().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a time like 30s, 10m or 500ms");
            }
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            return switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofSeconds(n);
            };
        }
    }

    /** "65536", "64k" or "1m". */
    static final class SizeConverter implements CommandLine.ITypeConverter<Long> {
        private static final Pattern FORMAT = Pattern.compile("(\\d+)([km])?");

        @Override
        public Long convert(String value) {
            Matcher m = FORMAT.matcher(value.trim().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a size like 65536, 64k or 1m");
            }
            long n = Long.parseLong(m.group(1));
            return m.group(2) == null ? n : m.group(2).equals("k") ? n << 10 : n << 20;
        }
    }
}
