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
        String screen = alice.await("alice (you)");
        assertThat(screen).contains("logged in as alice", "everyone", "to everyone >");
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
        alice.await("*******");
        assertThat(alice.screen()).contains("alice").doesNotContain("hunter2");
    }

    @Test
    void aWrongPasswordIsShownInWordsAndTheFormStays() throws Exception {
        try (Client c = Client.registered(port, "alice")) {
            c.send("QUIT\n").expect("BYE see you");
        }
        VirtualTui alice = started(new ChatUi.Settings("127.0.0.1", port, "alice", "not the password"));
        String screen = alice.await("Wrong name or password.");
        assertThat(screen).contains("Name", "Password", "Log in", "alice", "*".repeat(16)).doesNotContain("(you)");
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
        assertThat(alice.list()).containsExactly("everyone", "alice (you)", "bob");
        assertThat(bob.list()).containsExactly("everyone", "alice", "bob (you)");
        // More changes than the server's window of 16: only a client that acknowledges what it
        // applies keeps getting them one by one.
        for (int i = 0; i < 20; i++) {
            try (Client c = Client.registered(port, "user" + i)) {
                c.send("QUIT\n").expect("BYE see you");
            }
        }
        alice.await("user19 went offline");
        assertThat(alice.screen()).contains("user19 is online");
        assertThat(alice.list()).containsExactly("everyone", "alice (you)", "bob");
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
        carol.await("alice: back to all of you");
        assertThat(carol.screen()).doesNotContain("lunch");
        bob.await("alice: back to all of you");
    }

    @Test
    void theListsSelectionStaysOnItsEntryWhenSomeoneComesOnlineAboveIt() throws Exception {
        VirtualTui alice = loggedIn("alice");
        VirtualTui bob = loggedIn("bob");
        alice.awaitList("everyone", "alice (you)", "bob");
        alice.tab().press(KeyType.ArrowDown).press(KeyType.ArrowDown);
        alice.awaitHighlighted("bob");
        // aaron comes online while alice is about to choose bob: he sorts above her choice.
        try (Client aaron = Client.registered(port, "aaron")) {
            alice.awaitList("everyone", "aaron", "alice (you)", "bob");
            alice.awaitHighlighted("bob");
            alice.enter();
            alice.await("to bob >");
        }
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
        carol.await("bob: and hello to all");
        assertThat(carol.screen()).doesNotContain("standup");
        // A group message from someone who is not in it is refused, in words.
        carol.say("/leave #team");
        carol.await("you are not in #team");
    }

    @Test
    void leavingTheChosenGroupSendsToEveryoneAgain() throws Exception {
        VirtualTui alice = loggedIn("alice");
        VirtualTui bob = loggedIn("bob");
        alice.await("bob is online");
        alice.say("/join #team");
        alice.await("#team (1)");
        // alice's list: everyone, #team (1), alice (you), bob.
        alice.tab().press(KeyType.ArrowDown).enter();
        alice.await("to #team >");
        alice.say("/leave");
        alice.await("you left #team");
        // The prompt says where the next line goes; a target left at #team would get
        // "you are not a member" for every line typed after.
        alice.await("to everyone >");
        alice.say("after leaving");
        bob.await("alice: after leaving");
    }

    @Test
    void leavingAnotherGroupKeepsTheChosenOne() throws Exception {
        // "/leave #myteam" while #team is chosen: the chosen group is still joined, and the
        // next line must still go to it, not to everyone (a line meant for a group, seen by all).
        VirtualTui alice = loggedIn("alice");
        VirtualTui bob = loggedIn("bob");
        alice.await("bob is online");
        alice.say("/join #team");
        alice.await("#team (1)");
        alice.say("/join #myteam");
        alice.await("#myteam (1)");
        // alice's list: everyone, #myteam (1), #team (1), alice (you), bob.
        alice.tab().press(KeyType.ArrowDown).press(KeyType.ArrowDown).enter();
        alice.await("to #team >");
        alice.say("/leave #myteam");
        alice.await("you left #myteam");
        alice.await("to #team >");
        alice.say("for the team only");
        alice.await("[#team] you: for the team only");
        alice.say("/leave team");
        alice.await("to everyone >");
        alice.say("now to everyone");
        bob.await("alice: now to everyone");
        assertThat(bob.screen()).doesNotContain("for the team only");
    }

    @Test
    void typingWhileTheListHasTheFocusGoesToTheInputLine() throws Exception {
        VirtualTui alice = loggedIn("alice");
        VirtualTui bob = loggedIn("bob");
        alice.await("bob is online");
        // Tab: the list has the focus. The keys typed then are text for the input line, not
        // keys lost on the list (nor a jump to the entry they start).
        alice.tab().say("typed in the list");
        bob.await("alice: typed in the list");
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
        String screen = alice.await("disconnected: the server said: server shutting down");
        assertThat(screen).contains("/reconnect");
        // Nobody is known to be online any more: a list kept from the lost connection would say otherwise.
        assertThat(alice.list()).isEmpty();
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
        assertThat(alice.list()).containsExactly("everyone", "#team (1)", "alice (you)");
    }

    @Test
    void noServerIsShownOnTheFormAndTheClientStaysUsable() throws Exception {
        int nobody;
        try (ServerSocketChannel s = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            nobody = ((InetSocketAddress) s.getLocalAddress()).getPort();
        }
        VirtualTui alice = started(new ChatUi.Settings("127.0.0.1", nobody, "alice", "whatever"));
        alice.await("could not connect to 127.0.0.1:" + nobody);
        assertThat(alice.screen()).contains("is the server running?", "Log in");
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
        // Counted, not just looked for: loggedIn's own client said QUIT already, so a "QUIT"
        // anywhere in the log proves nothing about the UI's connection.
        long quits = server.count("QUIT");
        alice.ctrlC();
        alice.awaitEnd();
        await().atMost(VirtualTui.WAIT).until(() -> server.count("QUIT") > quits);
        server.awaitLine("alice logged out");
    }

    @Test
    void resizingTheTerminalLaysTheScreenOutAgain() throws Exception {
        VirtualTui alice = loggedIn("alice");
        assertThat(row(alice, 0)).hasSize(100);
        alice.terminal.setTerminalSize(new TerminalSize(70, 20));
        await().atMost(VirtualTui.WAIT).until(() -> row(alice, 0).length() == 70);
        assertThat(row(alice, 0)).endsWith("┐");
        assertThat(alice.screen()).contains("alice (you)", "to everyone >");
        alice.say("still here");
        alice.await("you: still here");
    }

    /** A screen row as drawn, trailing blanks cut. */
    private static String row(VirtualTui tui, int row) {
        return tui.screen().split("\n", -1)[row];
    }
}
