package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.input.KeyType;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The terminal client as a person uses it, headless: the real ChatUi on Lanterna's virtual
 * terminal (VirtualTui), against a real step12 server started for each test. Keys go in, and
 * each check reads the screen's text.
 *
 * <p>"Only that user" is shown with a later line from the same sender to everyone: the server
 * handles one client's lines in order, so a recipient that sees the later line would have seen
 * the earlier one before it, had it been sent to them.
 */
class TuiTest {
    @TempDir
    Path dir;
    ServerProcess server;
    int port;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void startServer() throws Exception {
        server = ServerProcess.start(ServerTest.argsIn(dir, "--threads", "2"));
        port = server.port();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        server.close();
    }

    /** A client UI started with a name and a password, which logs in at once; the account is made first. */
    private VirtualTui loggedIn(String name) throws Exception {
        try (Client c = Client.registered(port, name)) {
            c.send("QUIT\n").expect("BYE see you");
        }
        VirtualTui tui = started(new ChatUi.Settings("127.0.0.1", port, name, Client.passwordOf(name)));
        tui.await(name + " (you)");
        return tui;
    }

    private VirtualTui started(ChatUi.Settings settings) {
        VirtualTui tui = new VirtualTui(settings, new TerminalSize(100, 30));
        open.add(tui);
        return tui;
    }

    @Test
    void registeringThroughTheFormShowsTheChatWithTheRoster() throws Exception {
        VirtualTui alice = started(new ChatUi.Settings("127.0.0.1", port, null, null));
        alice.await("Register");
        // The form: name, Tab, password (masked), Tab to "Log in", Tab to "Register", Enter.
        alice.type("alice").tab().type("s3cret pass").tab().tab().enter();
        String screen = alice.await("alice (you)", "logged in as alice", "everyone", "to everyone >");
        assertThat(server.awaitLine("REGISTER alice")).contains("password not logged");
        assertThat(screen).doesNotContain("s3cret");
    }

    @Test
    void aNameWithoutAnAccountIsRegisteredFromTheSameForm() throws Exception {
        // As the root README's walkthrough does: --user and a password, no account yet.
        VirtualTui bob = started(new ChatUi.Settings("127.0.0.1", port, "bob", "another password"));
        bob.await("Wrong name or password.");
        bob.tab().tab().enter();
        bob.await("bob (you)");
        server.awaitLine("REGISTER bob");
    }

    @Test
    void thePasswordIsMaskedInTheForm() {
        VirtualTui alice = started(new ChatUi.Settings("127.0.0.1", port, "alice", null));
        alice.await("Password");
        alice.type("hunter2");
        assertThat(alice.await("*******", "alice")).doesNotContain("hunter2");
    }

    @Test
    void aWrongPasswordIsShownInWordsAndTheFormStays() throws Exception {
        try (Client c = Client.registered(port, "alice")) {
            c.send("QUIT\n").expect("BYE see you");
        }
        VirtualTui alice = started(new ChatUi.Settings("127.0.0.1", port, "alice", "not the password"));
        String screen = alice.await("Wrong name or password.", "Name", "Password", "Log in", "alice", "*".repeat(16));
        assertThat(screen).doesNotContain("(you)");
        // The form is kept, the caret at the end of the password: a second try, on the same
        // connection, works.
        for (int i = 0; i < "not the password".length(); i++) {
            alice.press(KeyType.Backspace);
        }
        alice.type(Client.passwordOf("alice")).enter();
        alice.await("alice (you)");
        assertThat(server.count("accepted connection")).isEqualTo(2); // the account's, and the UI's one
    }

    @Test
    void theListShowsWhoIsOnlineAndFollowsEveryChange() throws Exception {
        VirtualTui alice = loggedIn("alice");
        VirtualTui bob = loggedIn("bob");
        alice.await("bob");
        alice.await("bob is online");
        alice.awaitList("everyone", "alice (you)", "bob");
        bob.awaitList("everyone", "alice", "bob (you)");
        // More changes than the server's window of 16: only a client that acknowledges what it
        // applies keeps getting them one by one.
        for (int i = 0; i < 20; i++) {
            try (Client c = Client.registered(port, "user" + i)) {
                c.send("QUIT\n").expect("BYE see you");
            }
        }
        alice.await("user19 is online", "user19 went offline");
        alice.awaitList("everyone", "alice (you)", "bob");
        assertThat(server.lines()).noneMatch(l -> l.contains("(alice) has 16 roster changes unacknowledged"));
    }

    @Test
    void aDirectMessageReachesOnlyItsRecipient() throws Exception {
        VirtualTui alice = loggedIn("alice");
        VirtualTui bob = loggedIn("bob");
        VirtualTui carol = loggedIn("carol");
        alice.await("carol");
        // The list: everyone, alice (you), bob, carol. Tab moves to it from the input line.
        alice.tab().press(KeyType.ArrowDown).press(KeyType.ArrowDown).enter();
        alice.await("to bob >");
        alice.say("lunch at noon?");
        bob.await("alice → you (direct): lunch at noon?");
        alice.await("you → bob (direct): lunch at noon?");
        alice.tab().press(KeyType.Home).enter();
        alice.await("to everyone >");
        alice.say("back to all of you");
        assertThat(carol.await("alice: back to all of you")).doesNotContain("lunch");
        bob.await("alice: back to all of you");
    }

    @Test
    void aGroupMessageReachesItsMembersOnly() throws Exception {
        VirtualTui alice = loggedIn("alice");
        VirtualTui bob = loggedIn("bob");
        VirtualTui carol = loggedIn("carol");
        alice.say("/join #team");
        alice.await("you are in #team, alone so far");
        bob.say("/join team");
        bob.await("you are in #team with alice");
        alice.await("bob joined #team");
        alice.await("#team (2)");
        // bob's list: everyone, #team (2), alice, bob (you), carol.
        bob.tab().press(KeyType.ArrowDown).enter();
        bob.await("to #team >");
        bob.say("standup in 5");
        alice.await("[#team] bob: standup in 5");
        bob.await("[#team] you: standup in 5");
        bob.tab().press(KeyType.Home).enter().say("and hello to all");
        assertThat(carol.await("bob: and hello to all")).doesNotContain("standup");
        // Leaving a group one is not in is refused, in the server's words.
        carol.say("/leave #team");
        carol.await("you are not in #team");
    }

    @Test
    void whatTheServerRefusesIsShownInWords() throws Exception {
        VirtualTui alice = loggedIn("alice");
        alice.say("/nosuch");
        alice.await("no such command: /nosuch");
        alice.say("/join #Bad!");
        alice.await("a group # and 1 to 32");
    }

    @Test
    void whenTheServerStopsTheUiSaysSoAndStaysUsable() throws Exception {
        VirtualTui alice = loggedIn("alice");
        server.signal("TERM");
        alice.await("disconnected: the server said: server shutting down", "/reconnect");
        assertThat(server.awaitExit()).isZero();
        alice.say("/reconnect");
        alice.await("is the server running?");
        alice.say("/quit");
        alice.awaitEnd();
    }

    @Test
    void reconnectLogsInAgainAndRejoinsTheGroups() throws Exception {
        VirtualTui alice = loggedIn("alice");
        alice.say("/join #team");
        alice.await("#team (1)");
        server.signal("TERM");
        alice.await("server shutting down");
        assertThat(server.awaitExit()).isZero();
        // A new server on the same user file and the same port.
        server = ServerProcess.start(ServerTest.argsIn(dir, "--threads", "2", "--port", Integer.toString(port)));
        assertThat(server.port()).isEqualTo(port); // it listens
        alice.say("/reconnect");
        alice.await("* connecting to");
        alice.awaitTimes("logged in as alice", 2);
        alice.awaitTimes("you are in #team, alone so far", 2);
        alice.awaitList("everyone", "#team (1)", "alice (you)");
    }

    @Test
    void noServerIsShownOnTheFormAndTheClientStaysUsable() throws Exception {
        int nobody;
        try (ServerSocketChannel s = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            nobody = ((InetSocketAddress) s.getLocalAddress()).getPort();
        }
        VirtualTui alice = started(new ChatUi.Settings("127.0.0.1", nobody, "alice", "whatever"));
        alice.await("could not connect to 127.0.0.1:" + nobody, "is the server running?", "Log in");
        alice.ctrlC();
        alice.awaitEnd();
    }

    @Test
    void aServerThatDoesNotAnswerIsShownAsTimePassing() throws Exception {
        try (ServerSocketChannel mute = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            int mutePort = ((InetSocketAddress) mute.getLocalAddress()).getPort();
            VirtualTui alice = started(new ChatUi.Settings("127.0.0.1", mutePort, "alice", "whatever"));
            // It accepts (the kernel does, from the backlog) and never says a word.
            alice.await("The server has not answered for 2 s");
            alice.await("The server has not answered for 3 s");
            assertThat(alice.running()).isTrue();
            alice.ctrlC();
            alice.awaitEnd();
        }
    }

    @Test
    void ctrlCSaysQuitAndEnds() throws Exception {
        VirtualTui alice = loggedIn("alice");
        alice.ctrlC();
        alice.awaitEnd();
        server.awaitLine("QUIT");
        server.awaitLine("alice logged out");
    }

    @Test
    void resizingTheTerminalLaysTheScreenOutAgain() throws Exception {
        VirtualTui alice = loggedIn("alice");
        await().atMost(VirtualTui.WAIT).until(() -> isTopBorder(row(alice, 0), 100));
        alice.terminal.setTerminalSize(new TerminalSize(70, 20));
        // The top border, both panes' corners in it, now 70 wide: laid out again, not cut.
        await().atMost(VirtualTui.WAIT).until(() -> isTopBorder(row(alice, 0), 70));
        alice.await("alice (you)", "to everyone >");
        alice.say("still here");
        alice.await("you: still here");
    }

    private static boolean isTopBorder(String row, int width) {
        return row.length() == width && row.startsWith("┌─conversation") && row.contains("┐┌─send to")
                && row.endsWith("┐");
    }

    /** A screen row as drawn, trailing blanks cut. */
    private static String row(VirtualTui tui, int row) {
        return tui.screen().split("\n", -1)[row];
    }
}
