package chatsrv;

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
record Options(int port, int maxClients, Duration idleTimeout, long maxPending, boolean prefix) {
    /** What --help prints. OptionsTest checks that each default it states is the one parse() gives. */
    static final String HELP = """
            Usage: chatsrv [OPTIONS]      (or: java -jar step08-broadcast.jar [OPTIONS])
            An event-driven TCP chat server: every line a client sends goes to every client.

              -p, --port N           TCP port to listen on; 0 lets the kernel pick a free one (default: 3100)
                  --max-clients N    clients served at once; one more is told the server is full, and
                                     closed (default: 10000)
                  --idle-timeout T   close a client that has sent no line for this long: 30s, 10m,
                                     500ms; 0 = never (default: 0)
                  --max-pending B    output a client may leave unread for a second (or 16 times as
                                     much at once) before it is cut off as too slow: 65536, 64k, 1m
                                     (default: 1m)
                  --[no-]prefix      start each delivered line with the sender's address, like
                                     '127.0.0.1:51234: ', so everyone can tell who said what; without
                                     it, the bytes alone (default: on)
              -h, --help             show this help and exit

            Example: chatsrv --port 3100 --idle-timeout 10m, and in other terminals: nc 127.0.0.1 3100
            """;

    /** The options on this command line, or null if it asks for --help. */
    static Options parse(String... args) throws Args.UsageException {
        int port = 3100;
        int maxClients = 10_000;
        Duration idleTimeout = Duration.ZERO;
        long maxPending = 1 << 20;
        boolean prefix = true;
        Args a = new Args(args);
        while (a.hasNext()) {
            switch (a.next()) {
                case "-h", "--help" -> {
                    return null;
                }
                case "-p", "--port" -> port = a.number(0, 65535);
                case "--max-clients" -> maxClients = a.number(1, Integer.MAX_VALUE);
                case "--idle-timeout" -> idleTimeout = a.duration();
                case "--max-pending" -> maxPending = a.size();
                case "--prefix" -> prefix = true;
                case "--no-prefix" -> prefix = false;
                default -> throw a.unknown();
            }
        }
        if (maxPending < 1) {
            throw new Args.UsageException("--max-pending needs a size of at least 1 byte");
        }
        return new Options(port, maxClients, idleTimeout, maxPending, prefix);
    }
}
