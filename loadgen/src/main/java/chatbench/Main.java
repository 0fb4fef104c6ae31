package chatbench;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The command line: the options, the eight scenarios, and what each one runs. */
@Command(name = "bench", mixinStandardHelpOptions = true, version = "loadgen 1.0", sortOptions = false,
        description = {
            "Loads a server that speaks the chat protocol (./chatsrv) and measures it.",
            "Scenarios:",
            "  fanout   1 sender, 100 receivers, 64-byte lines, as fast as the server",
            "           takes them (at most --window lines not yet received by all)",
            "  chatty   20 clients each sending 500 lines/s of 100 bytes; all get all",
            "  latency  10 clients at 100 lines/s; latency percentiles",
            "           fanout, chatty and latency with --accounts: each client first",
            "           registers a user of its own (step10 on) and writes MSG * <line>",
            "  logins   for a server with accounts (step10 on): 10 clients register",
            "           and chat at 100 lines/s; after a second of warm-up and 3 s",
            "           (--duration) of chat, a storm: 200 users (--logins) register",
            "           at once, quit, then log in at once. Registrations/s, logins/s,",
            "           and the chat's latency before the storm, during the",
            "           registrations, during the logins: a server that hashes",
            "           passwords on its event loop stops every client while it does",
            "  churn    for a server with a roster (step11 on): 10 observers (--observers)",
            "           follow the roster while 200 users (--logins) log in and out as",
            "           fast as the server lets them, for 10 s (--duration). Roster",
            "           changes/s, each change's delay to all observers, the server's CPU",
            "           per change, and whether every observer's roster added up",
            "  lag      as churn, plus one observer that stops reading while the users",
            "           make 10,000 changes (--changes): what the server held for it,",
            "           and the one fresh snapshot it gets once it acknowledges again.",
            "           churn and lag: run the server with a low --hash-iterations",
            "           (e.g. 1000), or the logins measure the password hashing",
            "  conns    10,000 idle connections: time to connect, the server's memory",
            "           per connection, then one line to all and the time until all",
            "           have it",
            "  startup  starts the server command given after -- (--runs times) and",
            "           times how soon it accepts a connection on --port, and sends",
            "           its first byte: ./bench startup -- ./chatsrv. A course's",
            "           grader starts the server, waits 100 ms and connects once,",
            "           without retrying: a server must accept within 100 ms of exec.",
            "Progress goes to stderr once a second, the result to stdout."})
public final class Main implements Callable<Integer> {
    enum Scenario { fanout, chatty, latency, logins, churn, lag, conns, startup }

    /**
     * A scenario's settings: its defaults, overridden by the options.
     *
     * @param seconds how long to send; logins: how long to chat before the storm
     * @param storm logins: the users that register and then log in; churn, lag: the users that log in
     *              and out; 0 in the other scenarios
     * @param accounts the clients register and write MSG * (logins always; fanout, chatty, latency with --accounts)
     */
    record Plan(Scenario scenario, int connections, int senders, int rate, int size, double seconds, int window,
                int storm, boolean accounts) {}

    static final long SECOND = Phase.SECOND;
    /** Connections not yet greeted at a time; below a Java server's default listen backlog of 50. */
    static final int IN_FLIGHT = 32;
    static final long CONNECT_TIMEOUT = 60 * SECOND;
    /**
     * fanout's default window, in lines, and at most in bytes. A big window lets the server write
     * each receiver many lines per wakeup instead of a few (step08 on two cores: about 5 million
     * deliveries a second with 256, 6 million with 4096). But each receiver may have the whole
     * window queued at the server, and step08 cuts off a client with 1 MiB pending: so long lines
     * get a smaller window.
     */
    static final int WINDOW = 4096;
    static final int WINDOW_BYTES = 320 * 1024;
    /** The clients a server of Part II serves at once by default (--max-clients): the chatters and the storm together. */
    static final int MAX_CLIENTS = 10_000;
    /**
     * logins: the most the chatters chat. The storm ends the sending long before: each of its
     * two waves ends when every user has an answer, or when none has come for Storm.QUIET.
     */
    static final long LOGINS_MAX = 3600 * SECOND;
    /** lag: the most the churners take to make their --changes. */
    static final long LAG_MAX = 600 * SECOND;

    @Parameters(index = "0", paramLabel = "<scenario>",
            description = "fanout, chatty, latency, logins, churn, lag, conns or startup")
    Scenario scenario;

    @Parameters(index = "1..*", paramLabel = "COMMAND",
            description = "startup: the server to start, with its arguments, after --: "
                    + "./bench startup -- java -jar step07-echo/target/step07-echo.jar")
    List<String> command = new ArrayList<>();

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "server address, loopback only (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", defaultValue = "3100",
            description = "server port (default: ${DEFAULT-VALUE}); startup: the port it polls, which the command "
                    + "must make the server listen on")
    int port;

    @Option(names = "--duration", paramLabel = "SECONDS",
            description = "how long to send (default 10); logins: how long to chat before the storm, after a "
                    + "second of warm-up (default 3); churn: how long the users log in and out (default 10)")
    Double duration;

    @Option(names = "--clients", paramLabel = "N", description = "connections (fanout: receivers, plus the sender)")
    Integer clients;

    @Option(names = "--rate", paramLabel = "N",
            description = "lines per second per sender (fanout: a fixed rate instead of the window)")
    Integer rate;

    @Option(names = "--size", paramLabel = "BYTES",
            description = "bytes per line, newline included, 48 to 1024 (logins and --accounts: to 1019, as \"MSG * \" "
                    + "goes in front)")
    Integer size;

    @Option(names = "--logins", paramLabel = "N",
            description = "logins: the users that register at once, and then log in at once (default 200; with "
                    + "the chatters at most 10000, a server's default --max-clients); churn, lag: the users that "
                    + "log in and out (default 200)")
    Integer logins;

    @Option(names = "--accounts",
            description = "fanout, chatty, latency: each client registers a user of its own first, follows and "
                    + "acknowledges the roster if the server sends one (step11 on), and writes \"MSG * \" in front "
                    + "of each line: the same load against a server with accounts (step10 on)")
    boolean accounts;

    @Option(names = "--observers", paramLabel = "N",
            description = "churn, lag: the clients that stay logged in and follow the roster (default 10)")
    Integer observers;

    @Option(names = "--changes", paramLabel = "N",
            description = "lag: the roster changes to make while one observer does not read (default 10000)")
    Integer changes;

    @Option(names = "--window", paramLabel = "N",
            description = "fanout: lines sent but not yet received by all (default 4096, fewer for lines over "
                    + "80 bytes: 320 KiB of lines at most, well below the 1 MiB a server such as step08 lets "
                    + "a client fall behind before it cuts it off)")
    Integer window;

    @Option(names = "--in-flight", paramLabel = "N",
            description = "connections being opened and not yet greeted at a time (default 32, under the "
                    + "listen backlog of 50 that steps 02 and 03 keep; steps 04-08 ask for 1024); churn, lag: "
                    + "users registering at a time")
    int inFlight = IN_FLIGHT;

    @Option(names = "--warm-up", paramLabel = "N",
            description = "conns: rounds of connecting all the clients and closing them again before the "
                    + "measured round (default 1; 0 measures a server that has just started, which also "
                    + "compiles its code and touches its memory for the first time); startup: runs not "
                    + "counted, which warm up the bench itself (default 1)")
    int warmUps = 1;

    @Option(names = "--runs", paramLabel = "N", description = "startup: measured runs (default 10)")
    int runs = 10;

    @Option(names = "--server-pid", paramLabel = "PID",
            description = "conns: the server whose VmRSS to read; churn: whose CPU time to read (default: the one "
                    + "listening on the port)")
    Long serverPid;

    @Option(names = "--json", description = "print the result as JSON instead of a table")
    boolean json;

    @Spec
    CommandSpec spec;

    /** The last run's result, for tests. */
    Report report;
    Startup startup;
    Churn.Outcome churn;
    Lag.Outcome lag;

    public static void main(String[] args) {
        System.exit(command(new Main()).execute(args));
    }

    /** picocli, with a bad option answered the way a learner should see it: one line, exit 2. */
    static CommandLine command(Main main) {
        return new CommandLine(main).setParameterExceptionHandler((e, args) -> {
            // "./bench startup java -jar x.jar" would take -jar for an option of ours
            List<String> given = List.of(args);
            String hint = given.contains("startup") && !given.contains("--")
                    ? ", and the server's command goes after --" : "";
            e.getCommandLine().getErr().println("bench: " + e.getMessage() + " (see ./bench --help" + hint + ")");
            return 2;
        });
    }

    /** A reason to stop that needs one line, not a stack trace. */
    static final class Failure extends Exception {
        Failure(String message) {
            super(message);
        }
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        String result;
        try {
            result = scenario == Scenario.startup ? startup(err) : load(err);
        } catch (Failure | IOException e) {
            err.println("bench: " + e.getMessage());
            return 1;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(result);
        out.flush();
        return 0;
    }

    /** startup: the command started, timed and stopped again, --runs times. */
    private String startup(PrintWriter err) throws IOException, Failure {
        check(!command.isEmpty(), "startup needs the server's command after --, e.g. ./bench startup -- ./chatsrv");
        check(port >= 1 && port <= 65535, "--port must be 1 to 65535, not " + port);
        check(runs >= 1 && runs <= 1000, "--runs must be 1 to 1000, not " + runs);
        check(warmUps >= 0 && warmUps <= 10, "--warm-up must be 0 to 10, not " + warmUps);
        startup = Startup.measure(command, target(), runs, warmUps, err);
        return json ? startup.json() : startup.table();
    }

    /** The four scenarios that load a server that is already running. */
    private String load(PrintWriter err) throws IOException, Failure {
        check(command.isEmpty(), "unexpected " + String.join(" ", command) + ": only startup takes a command");
        Plan plan = plan();
        InetSocketAddress target = target();
        String where = host + ":" + port;
        // A JVM cannot raise its own descriptor limit (Java has no setrlimit): ./bench does it.
        long limit = Proc.openFileLimit();
        long needed = plan.connections() + plan.storm() + 100L;     // a socket each, and the JVM's own files
        if (limit >= 0 && limit < needed) {
            throw new Failure("the open-file limit is " + limit + ", and " + (plan.connections() + plan.storm())
                    + " connections need about " + needed + ". ./bench raises it up to the hard limit"
                    + " (ulimit -Hn); if that is lower, raise the hard limit as root, or ask for fewer --clients");
        }
        if (plan.scenario() == Scenario.churn || plan.scenario() == Scenario.lag) {
            return presence(plan, target, where, err);
        }
        report = switch (plan.scenario()) {
            case conns -> conns(plan, target, where, err);
            case logins -> logins(plan, target, where, err);
            default -> traffic(plan, target, where, err);
        };
        return json ? report.json() : report.table();
    }

    /** fanout, chatty, latency: connect, probe, send for the duration, drain, count. */
    private Report traffic(Plan p, InetSocketAddress target, String where, PrintWriter err) throws IOException, Failure {
        Accounts accounts = p.accounts() ? new Accounts(System.currentTimeMillis()) : null;
        try (Clients clients = new Clients(target, p.size(), accounts, err)) {
            connect(clients, p, where);
            Clients.Probe probe = clients.probe(10 * SECOND);
            if (!probe.echoed()) {
                throw new Failure("the server at " + where + " did not " + (p.accounts()
                        ? "deliver our MSG * within 10 s: does it speak the protocol of step10 on?"
                        : "send our line back within 10 s: is it a chat server?"));
            }
            err.printf("%s: %,d connections greeted by %s (%s server%s); sending for %.1f s%n", p.scenario(),
                    clients.open(), where, probe.broadcast() ? "broadcast" : "echo",
                    p.accounts() ? ", with accounts" : "", p.seconds());
            clients.send(p.senders(), p.rate(), p.window(), (long) (p.seconds() * SECOND));
            clients.drain();
            return new Report(p, where, probe, clients.result(), null, null);
        }
    }

    /**
     * logins: the chatters register (in connect), chat at a fixed rate, and meanwhile the storm
     * registers its users and then logs them in; sending stops with the last login's answer.
     * The probe goes out as a chatter's MSG, so it also shows that the server speaks the
     * protocol of Part II.
     */
    private Report logins(Plan p, InetSocketAddress target, String where, PrintWriter err) throws IOException, Failure {
        Accounts accounts = new Accounts(System.currentTimeMillis());
        try (Clients clients = new Clients(target, p.size(), accounts, err)) {
            connect(clients, p, where);
            Clients.Probe probe = clients.probe(10 * SECOND);
            if (!probe.echoed()) {
                throw new Failure("the server at " + where + " did not deliver our MSG * within 10 s:"
                        + " does it speak the protocol of step10 on?");
            }
            Storm storm = new Storm(clients.loop(), accounts, p.storm(), (long) (p.seconds() * SECOND),
                    clients.windows(), clients::caughtUpWith, err);
            err.printf("logins: %,d chatters registered with %s; chatting for %.1f s, then the storm of %,d users%n",
                    clients.open(), where, p.seconds(), p.storm());
            clients.send(p.senders(), p.rate(), p.window(), LOGINS_MAX, storm);
            clients.drain();
            return new Report(p, where, probe, clients.result(), null,
                    new Report.Logins(p.storm(), storm.registrations(), storm.logins()));
        }
    }

    /**
     * churn and lag: the observers register and get their snapshot, the churners register; then
     * they log in and out for --duration (churn) or until the roster has moved --changes versions
     * (lag, while its lagging observer does not read); they stop, the roster settles, and the
     * observers check it (churn) or the lagging observer reads again (lag).
     */
    private String presence(Plan p, InetSocketAddress target, String where, PrintWriter err)
            throws IOException, Failure {
        Accounts accounts = new Accounts(System.currentTimeMillis());
        boolean lagging = p.scenario() == Scenario.lag;
        OptionalLong pid = lagging ? OptionalLong.empty()
                : serverPid != null ? OptionalLong.of(serverPid) : Proc.pidListeningOn(port);
        try (Churn churn = new Churn(target, accounts, err)) {
            int ready = churn.observe(p.connections() - (lagging ? 1 : 0));     // the lagging one comes later
            if (ready == 0) {
                throw new Failure(churn.refusal() != null && churn.refusal().contains("ConnectException")
                        ? "nothing listening on " + where + " — start it with ./chatsrv"
                        : "no observer registered with " + where + ": " + (churn.refusal() != null
                            ? "the server said \"" + churn.refusal() + "\"" : "no answer")
                        + ": does it speak the protocol of step11 on?");
            }
            if (churn.noRoster()) {
                throw new Failure("the server at " + where + " sent no roster snapshot after OK REGISTER: "
                        + p.scenario() + " needs a server with a roster (step11 on)");
            }
            Lag lagger = lagging ? new Lag(churn.loop(), accounts, err) : null;
            if (lagger != null && !lagger.start()) {
                throw new Failure("the lagging observer could not register and get its snapshot: " + lagger.refusal());
            }
            err.printf("%s: %d observers ready; %,d users register%n", p.scenario(), ready, p.storm());
            int registered = churn.register(p.storm(), inFlight);
            if (registered == 0) {
                throw new Failure("none of the " + p.storm() + " users could register with " + where);
            }
            err.printf("%s: %,d users log in and out %s%n", p.scenario(), registered,
                    lagging ? "until the roster has moved " + changes() + " versions" : f("for %.1f s", p.seconds()));
            Churn.Window w = lagging ? churn.churn(LAG_MAX, changes(), -1)
                    : churn.churn((long) (p.seconds() * SECOND), 0, pid.orElse(-1));
            churn.stop();
            long settled = churn.settle();
            if (lagging) {
                lag = lagger.finish(ready, registered, w, settled);
                return json ? lag.json() : lag.table();
            }
            int checked = churn.check();
            String note = pid.isEmpty() ? "unknown: found no process listening on port " + port + " (pass --server-pid)"
                    : w.cpuNanos() < 0 ? "unknown: cannot read /proc/" + pid.getAsLong() + "/stat" : null;
            this.churn = churn.outcome(w, pid.orElse(-1), note, checked);
            return json ? this.churn.json() : this.churn.table();
        }
    }

    private int changes() {
        return changes != null ? changes : 10_000;
    }

    private static String f(String format, Object... args) {
        return Report.f(format, args);
    }

    /**
     * conns: many idle connections, the server's memory for them, then one line to all. The
     * first connections a JVM serves also pay for compiling the code that serves them and for
     * touching its heap for the first time; the warm-up rounds take that, and the report shows
     * the first round beside the measured one.
     */
    private Report conns(Plan p, InetSocketAddress target, String where, PrintWriter err) throws IOException, Failure {
        OptionalLong pid = serverPid != null ? OptionalLong.of(serverPid) : Proc.pidListeningOn(port);
        Report.Round first = null;
        for (int round = 1; round <= warmUps; round++) {
            try (Clients clients = new Clients(target, p.size(), err)) {
                Report.Round r = connectAll(clients, p, pid, where);
                first = first != null ? first : r;
                err.printf("conns: warm-up round %d of %d: %,d greeted in %.3f s; closing them%n",
                        round, warmUps, r.greeted(), r.connectNanos() / 1e9);
            }
            sleep(SECOND);                  // for the server to see every FIN and close its end
        }
        try (Clients clients = new Clients(target, p.size(), err)) {
            Report.Round measured = connectAll(clients, p, pid, where);
            String note = pid.isEmpty() ? "unknown: found no process listening on port " + port + " (pass --server-pid)"
                    : measured.rssBeforeKb() < 0 || measured.rssAfterKb() < 0
                    ? "unknown: cannot read /proc/" + pid.getAsLong() + "/status"
                    : null;
            Result connected = clients.result();
            boolean gaveUp = connected.greeted() + connected.refused() + connected.failed() < p.connections();
            Report.Conns found = new Report.Conns(measured, gaveUp, pid.orElse(-1), note, warmUps, first);
            err.printf("conns: %,d greeted; sending one line to all%n", connected.open());
            Clients.Probe probe = clients.probe(30 * SECOND);
            return new Report(p, where, probe, clients.result(), found, null);
        }
    }

    /** Connects every client of the plan and waits for the greetings: how long, and the server's RSS around it. */
    private Report.Round connectAll(Clients clients, Plan p, OptionalLong pid, String where)
            throws IOException, Failure {
        long before = pid.isPresent() ? Proc.rssKb(pid.getAsLong()) : -1;
        long start = System.nanoTime();
        Result connected = connect(clients, p, where);
        long connectNanos = System.nanoTime() - start;
        long after = pid.isPresent() ? Proc.rssKb(pid.getAsLong()) : -1;
        return new Report.Round(connected.greeted(), connectNanos, before, after);
    }

    private static void sleep(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Connects the plan's clients; at least one must be greeted. */
    private Result connect(Clients clients, Plan p, String where) throws IOException, Failure {
        Result r = clients.connect(p.connections(), inFlight, CONNECT_TIMEOUT);
        if (r.open() > 0) {
            return r;
        }
        if (r.connectError() instanceof ConnectException) {
            throw new Failure("nothing listening on " + where + " — start it with ./chatsrv");
        }
        if (p.accounts()) {
            String hint = ": does it speak the protocol of step10 on?";
            throw new Failure("no connection to " + where + " was greeted and registered: "
                    + (r.refusal() != null ? "the server said \"" + r.refusal() + "\""
                        + (r.refusal().startsWith("ERR ") || r.refusal().startsWith("BYE ") ? "" : hint)
                    : r.connectError() != null ? r.connectError().toString()
                    : "no answer to REGISTER within " + Accounts.ANSWER_WAIT / SECOND + " s" + hint));
        }
        throw new Failure("no connection to " + where + " was greeted: "
                + (r.refusal() != null ? "the server said \"" + r.refusal() + "\""
                : r.connectError() != null ? r.connectError().toString()
                : "no greeting within " + Clients.QUIET / SECOND + " s"));
    }

    /**
     * The server's address. Loopback only: a load generator pointed at another machine is a
     * denial-of-service tool, and this one is for measuring your own server on your own machine.
     * An IP literal or "localhost", so that not even a DNS query leaves the machine.
     */
    private InetSocketAddress target() {
        if (host.equals("localhost")) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        }
        try {
            InetAddress address = host.matches("[0-9.]+|[0-9a-fA-F:]+") ? InetAddress.getByName(host) : null;
            if (address == null || !address.isLoopbackAddress()) {
                throw bad("--host must be a loopback address (127.0.0.1, ::1 or localhost), not " + host);
            }
            return new InetSocketAddress(address, port);
        } catch (UnknownHostException e) {
            throw bad("--host " + host + " is not an IP address");
        }
    }

    /** The scenario's defaults, overridden by the options, checked. */
    Plan plan() {
        int c = clients != null ? clients : switch (scenario) {
            case fanout -> 100;
            case chatty -> 20;
            case latency, logins, churn, lag -> 10;
            case conns -> 10_000;
            case startup -> 1;          // not a load: startup() checks its own options
        };
        int r = rate != null ? rate : switch (scenario) {
            case chatty -> 500;
            case latency, logins -> 100;
            case fanout, conns, startup, churn, lag -> 0;    // fanout: the window sets the pace; conns: nobody sends
        };
        int s = size != null ? size : scenario == Scenario.chatty ? 100 : 64;
        double d = duration != null ? duration : scenario == Scenario.logins ? 3 : 10;
        int k = observers != null ? observers : 10;
        int storm = logins != null ? logins : 200;
        int w = window != null ? window : Math.min(WINDOW, WINDOW_BYTES / s);
        check(port >= 1 && port <= 65535, "--port must be 1 to 65535, not " + port);
        check(c >= 1 && c <= 100_000, "--clients must be 1 to 100000, not " + c);
        check(rate == null || (r >= 1 && r <= 1_000_000), "--rate must be 1 to 1000000, not " + r);
        check(s >= Codec.MIN_SIZE && s <= Codec.MAX_SIZE,
                "--size must be " + Codec.MIN_SIZE + " to " + Codec.MAX_SIZE + ", not " + s);
        check(d > 0 && d <= 3600, "--duration must be more than 0 and at most 3600 seconds, not " + d);
        check(w >= 1 && w <= 1_000_000, "--window must be 1 to 1000000, not " + w);
        check(inFlight >= 1 && inFlight <= 100_000, "--in-flight must be 1 to 100000, not " + inFlight);
        check(warmUps >= 0 && warmUps <= 10, "--warm-up must be 0 to 10, not " + warmUps);
        boolean traffic = scenario == Scenario.fanout || scenario == Scenario.chatty || scenario == Scenario.latency;
        boolean presence = scenario == Scenario.churn || scenario == Scenario.lag;
        check(!accounts || traffic, "--accounts is for fanout, chatty and latency (logins always has accounts)");
        check(observers == null || presence, "--observers is for churn and lag only");
        check(changes == null || scenario == Scenario.lag, "--changes is for lag only");
        boolean withAccounts = accounts || scenario == Scenario.logins;
        if (withAccounts) {
            // The server's limit is for the whole line: "MSG * " and the message, without its newline.
            int maxSize = Codec.MAX_SIZE + 1 - Accounts.TO_ALL.length;
            check(s <= maxSize, "--size must be " + Codec.MIN_SIZE + " to " + maxSize + " in " + scenario
                    + (accounts ? " with --accounts" : "") + ", where \"MSG * \" goes in front of each line, not " + s);
        }
        if (scenario == Scenario.logins) {
            check(storm >= 1 && c + storm <= MAX_CLIENTS, "--logins must be at least 1, and with the --clients at most "
                    + MAX_CLIENTS + " (a server's default --max-clients), not " + storm);
        } else if (presence) {
            check(k >= 1 && k <= 1000, "--observers must be 1 to 1000, not " + k);
            check(storm >= 1 && k + storm < MAX_CLIENTS, "--logins must be at least 1, and with the --observers under "
                    + MAX_CLIENTS + " (a server's default --max-clients), not " + storm);
            check(changes() >= 1 && changes() <= 100_000_000, "--changes must be 1 to 100000000, not " + changes());
        } else {
            check(logins == null, "--logins is for the logins, churn and lag scenarios only");
        }
        return switch (scenario) {
            case fanout -> new Plan(scenario, c + 1, 1, r, s, d, w, 0, accounts);
            case conns, startup -> new Plan(scenario, c, 0, 0, s, d, w, 0, false);
            case chatty, latency -> new Plan(scenario, c, c, r, s, d, w, 0, accounts);
            case logins -> new Plan(scenario, c, c, r, s, d, w, storm, true);
            case churn, lag -> new Plan(scenario, k + (scenario == Scenario.lag ? 1 : 0), 0, 0, s, d, w, storm, true);
        };
    }

    private void check(boolean ok, String message) {
        if (!ok) {
            throw bad(message);
        }
    }

    private ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
