package chatsrv;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The server's command line: each option, its default, and its line in --help. Read by main,
 * before anything else.
 *
 * <p>Read by hand, in one switch. A library such as picocli does the same from annotations,
 * but loading it and reading them by reflection made this server start listening 125 to 220 ms
 * later (notes/performance.md), and a server must be listening within 100 ms of its start: the
 * course's grader starts it, waits 100 ms and connects once (step02's lesson measures it).
 */
record Options(int port, int threads, int maxClients, Duration idleTimeout, long maxPending,
        Duration selectTimeout, int maxEvents, boolean trace,
        Path users, Path secretFile, String cipher, Path cipherPlugin, int hashIterations) {
    /** The default --threads: one worker per core the JVM may use. */
    static final int CORES = Runtime.getRuntime().availableProcessors();
    /** The most ready keys the JDK asks epoll_wait for in one call (fewer under a lower descriptor limit), and the default --max-events. */
    static final int EPOLL_MAX_EVENTS = 1024;

    /** What --help prints. OptionsTest checks that each default it states is the one parse() gives. */
    static final String HELP = """
            Usage: java -jar step12-tui/target/step12-tui.jar [OPTIONS]
            An event-driven TCP chat server with accounts: clients register and log in, see who is
            online, join groups, and write to everyone, to one user or to a group (the protocol:
            notes/protocol.md).

              -p, --port N           TCP port to listen on; 0 lets the kernel pick a free one (default: 3100)
              -t, --threads N        worker threads that run the chat's rules on what clients send, and as
                                     many hasher threads for passwords; 0 runs both on the event loop's
                                     thread, with no pool, which stalls every client for each password
                                     (default: CORES, the number of cores)
                  --users PATH       the user file, encrypted; made at the first registration
                                     (default: users.db)
                  --secret-file PATH the key of the user file: 32 bytes, readable by its owner only;
                                     made with random bytes if it does not exist (default: users.key)
                  --cipher NAME      how the user file is encrypted: aes-gcm, xor (breakable: for the
                                     lesson), native-xor (xor in C, through JNI), or a plugin's
                                     (default: aes-gcm)
                  --cipher-plugin JAR
                                     also look for ciphers in this jar (a java.util.ServiceLoader
                                     provider of chatsrv.UserFileCipher)
                  --hash-iterations N
                                     PBKDF2 iterations for new passwords; fewer is faster and weaker,
                                     for tests only (default: 600000)
                  --max-clients N    clients served at once; one more is told the server is full, and
                                     closed (default: 10000)
                  --idle-timeout T   close a client that has sent no line for this long: 30s, 10m,
                                     500ms; 0 = never (default: 0)
                  --max-pending B    output a client may leave unread for a second (or 16 times as
                                     much at once) before it is cut off as too slow: 65536, 64k, 1m
                                     (default: 1m)
                  --select-timeout MS
                                     wake the event loop at least every MS milliseconds, even with
                                     nothing to do; 0 = sleep until there is (default: 0)
                  --max-events N     ready sockets the event loop handles per wakeup; the rest wait for
                                     the next (default: 1024, the most the JDK asks epoll_wait for)
                  --trace            log one line per wakeup of the event loop: how long it slept,
                                     which sockets were ready, what came back from the workers
              -h, --help             show this help and exit

            Example: java -jar step12-tui/target/step12-tui.jar --threads 4,
            and in other terminals: nc -C 127.0.0.1 3100, then REGISTER alice secret
            """.replace("CORES", Integer.toString(CORES));

    /** The options on this command line, or null if it asks for --help. */
    static Options parse(String... args) throws Args.UsageException {
        int port = 3100;
        int threads = CORES;
        int maxClients = 10_000;
        Duration idleTimeout = Duration.ZERO;
        long maxPending = 1 << 20;
        Duration selectTimeout = Duration.ZERO;
        int maxEvents = EPOLL_MAX_EVENTS;
        boolean trace = false;
        Path users = Path.of("users.db");
        Path secretFile = Path.of("users.key");
        String cipher = "aes-gcm";
        Path cipherPlugin = null;
        int hashIterations = Passwords.DEFAULT_ITERATIONS;
        Args a = new Args(args);
        while (a.hasNext()) {
            switch (a.next()) {
                case "-h", "--help" -> {
                    return null;
                }
                case "-p", "--port" -> port = a.number(0, 65535);
                case "-t", "--threads" -> threads = a.number(0, 1024);
                case "--max-clients" -> maxClients = a.number(1, Integer.MAX_VALUE);
                case "--idle-timeout" -> idleTimeout = a.duration();
                case "--max-pending" -> maxPending = a.size();
                case "--select-timeout" -> selectTimeout = Duration.ofMillis(a.number(0, Integer.MAX_VALUE));
                case "--max-events" -> maxEvents = a.number(1, Integer.MAX_VALUE);
                case "--trace" -> trace = true;
                case "--users" -> users = Path.of(a.value());
                case "--secret-file" -> secretFile = Path.of(a.value());
                case "--cipher" -> cipher = a.value();
                case "--cipher-plugin" -> cipherPlugin = Path.of(a.value());
                case "--hash-iterations" -> hashIterations = a.number(1, Integer.MAX_VALUE);
                default -> throw a.unknown();
            }
        }
        if (maxPending < 1) {
            throw new Args.UsageException("--max-pending needs a size of at least 1 byte");
        }
        return new Options(port, threads, maxClients, idleTimeout, maxPending, selectTimeout, maxEvents, trace,
                users, secretFile, cipher, cipherPlugin, hashIterations);
    }
}
