package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client's reading of the protocol, without a terminal or a socket: Session is given the
 * server's lines as strings, and the test looks at what it sends back (ACK, ROSTER, MSG...),
 * what it shows, and the roster and groups it keeps.
 */
class SessionTest {
    final List<String> sent = new ArrayList<>();
    final List<String> shown = new ArrayList<>();
    final List<String> events = new ArrayList<>();
    Session session;

    @BeforeEach
    void newSession() {
        session = new Session(new Session.View() {
            @Override
            public void show(String line) {
                shown.add(line);
            }

            @Override
            public void participantsChanged() {
                events.add("participants");
            }

            @Override
            public void loggedIn(String name) {
                events.add("loggedIn " + name);
            }

            @Override
            public void refused(String why) {
                events.add("refused " + why);
            }

            @Override
            public void bye(String why) {
                events.add("bye " + why);
            }
        }, sent::add);
    }

    private void hear(String... lines) {
        session.heard(List.of(lines));
    }

    private void loggedInAsAlice() {
        session.logIn("alice", "pw", false);
        hear("OK LOGIN alice", "ROSTER BEGIN 7", "ROSTER USER alice", "ROSTER USER bob", "ROSTER END 7 2");
        sent.clear();
        shown.clear();
        events.clear();
    }

    @Test
    void loginSendsTheVerbAndTheOkTellsTheUi() {
        session.logIn("alice", "pw with spaces", false);
        session.logIn("bob", "x", true);
        assertThat(sent).containsExactly("LOGIN alice pw with spaces", "REGISTER bob x");
        hear("Welcome to chatsrv! REGISTER <name> <password> or LOGIN <name> <password>, then ...",
                "OK LOGIN alice");
        assertThat(events).containsExactly("loggedIn alice");
        assertThat(session.me()).isEqualTo("alice");
        assertThat(shown).isEmpty(); // the Welcome is for people typing into nc
    }

    @Test
    void aRefusedLoginGoesToTheFormInTheServersWords() {
        hear("ERR LOGIN denied wrong name or password");
        assertThat(events).containsExactly("refused wrong name or password");
        assertThat(session.loggedIn()).isFalse();
    }

    @Test
    void aSnapshotIsAppliedWholeAndAcknowledgedOnceAtItsEnd() {
        session.logIn("alice", "pw", false);
        sent.clear();
        session.heard(List.of("OK LOGIN alice", "ROSTER BEGIN 7", "ROSTER USER alice"));
        assertThat(session.online()).isEmpty(); // half a snapshot is not applied
        assertThat(sent).isEmpty();
        hear("ROSTER USER bob", "ROSTER END 7 2");
        assertThat(session.online()).containsExactly("alice", "bob");
        assertThat(session.version()).isEqualTo(7);
        assertThat(sent).containsExactly("ACK 7");
    }

    @Test
    void changesOfOneReadAreAcknowledgedOnceWithTheLastVersion() {
        loggedInAsAlice();
        hear("ROSTER + 8 carol", "ROSTER - 9 bob", "ROSTER + 10 dave");
        assertThat(session.online()).containsExactly("alice", "carol", "dave");
        assertThat(sent).containsExactly("ACK 10");
        assertThat(shown).containsExactly("* carol is online", "* bob went offline", "* dave is online");
        hear("ROSTER - 11 carol");
        assertThat(sent).containsExactly("ACK 10", "ACK 11");
    }

    @Test
    void aChangeAlreadyInTheSnapshotIsSkipped() {
        loggedInAsAlice();
        hear("ROSTER + 7 bob", "ROSTER - 5 bob");
        assertThat(session.online()).containsExactly("alice", "bob");
        assertThat(sent).isEmpty();
        assertThat(shown).isEmpty();
    }

    @Test
    void aSkippedVersionAsksForASnapshotOnceAndAppliesNothingUntilItComes() {
        loggedInAsAlice();
        hear("ROSTER + 9 carol", "ROSTER + 10 dave");
        assertThat(session.online()).containsExactly("alice", "bob");
        assertThat(sent).containsExactly("ROSTER");
        hear("ROSTER BEGIN 10", "ROSTER USER alice", "ROSTER USER bob", "ROSTER USER carol", "ROSTER USER dave",
                "ROSTER END 10 4");
        assertThat(session.online()).containsExactly("alice", "bob", "carol", "dave");
        assertThat(sent).containsExactly("ROSTER", "ACK 10");
    }

    @Test
    void aGapAfterTheSnapshotThatMendedTheLastOneAsksAgain() {
        // Each gap needs a snapshot of its own: one asked for, and come, does not stand for the next.
        loggedInAsAlice();
        hear("ROSTER + 9 carol");
        hear("ROSTER BEGIN 9", "ROSTER USER alice", "ROSTER USER bob", "ROSTER USER carol", "ROSTER END 9 3");
        hear("ROSTER + 11 erin");
        assertThat(sent).containsExactly("ROSTER", "ACK 9", "ROSTER");
        assertThat(session.online()).containsExactly("alice", "bob", "carol");
    }

    @Test
    void aSnapshotReplacesTheSetItDoesNotAddToIt() {
        // bob went offline in a change this client missed: only the snapshot says so, by
        // leaving him out.
        loggedInAsAlice();
        hear("ROSTER + 9 carol");
        hear("ROSTER BEGIN 9", "ROSTER USER alice", "ROSTER USER carol", "ROSTER END 9 2");
        assertThat(session.online()).containsExactly("alice", "carol");
        assertThat(events).contains("participants");
    }

    @Test
    void aSnapshotAtAnAcknowledgedVersionIsAcknowledgedAgain() {
        // The server counts each snapshot it sends as one line unacknowledged, whatever its
        // version: a client that asks ROSTER 16 times with nothing changing must ACK each.
        loggedInAsAlice();
        hear("ROSTER BEGIN 7", "ROSTER USER alice", "ROSTER USER bob", "ROSTER END 7 2");
        assertThat(sent).containsExactly("ACK 7");
    }

    @Test
    void messagesShowWhoWroteThemAndWhereTheyWent() {
        loggedInAsAlice();
        hear("FROM bob * hello all", "FROM alice * hi bob", "FROM bob @alice psst", "FROM alice @bob yes?",
                "FROM alice @alice note to self", "FROM bob #team standup", "FROM alice #team ok",
                "FROM bob * spaces  stay   as sent");
        assertThat(shown).containsExactly(
                "bob: hello all",
                "you: hi bob",
                "bob → you (direct): psst",
                "you → bob (direct): yes?",
                "you → you (direct): note to self",
                "[#team] bob: standup",
                "[#team] you: ok",
                "bob: spaces  stay   as sent");
    }

    @Test
    void groupsAreKeptFromJoinLeaveAndTheMembersNotices() {
        loggedInAsAlice();
        hear("OK JOIN #team bob carol alice");
        assertThat(session.groups()).containsOnlyKeys("#team");
        assertThat(session.groups().get("#team")).containsExactly("bob", "carol", "alice");
        assertThat(shown).containsExactly("* you are in #team with bob, carol");
        hear("GROUP + #team dave", "GROUP - #team bob");
        assertThat(session.groups().get("#team")).containsExactly("carol", "alice", "dave");
        hear("OK JOIN #solo alice", "OK LEAVE #team");
        assertThat(session.groups()).containsOnlyKeys("#solo");
        assertThat(shown).contains("* dave joined #team", "* bob left #team", "* you are in #solo, alone so far",
                "* you left #team");
        assertThat(events).contains("participants");
    }

    @Test
    void errorsAndByeAreShownInTheServersWords() {
        loggedInAsAlice();
        hear("ERR MSG offline carol is not online", "BYE server shutting down");
        assertThat(shown).containsExactly("! carol is not online");
        assertThat(events).containsExactly("bye server shutting down");
    }

    @Test
    void whatIsTypedBecomesTheVerbs() {
        loggedInAsAlice();
        assertThat(session.typed("hello there", "*")).isTrue();
        assertThat(session.typed("psst", "@bob")).isTrue();
        assertThat(session.typed("hi team", "#team")).isTrue();
        assertThat(session.typed("/join #team", "*")).isTrue();
        assertThat(session.typed("/join ops", "*")).isTrue();
        assertThat(session.typed("/leave", "#team")).isTrue(); // the chosen group
        assertThat(session.typed("/leave #ops", "*")).isTrue();
        assertThat(session.typed("/roster", "*")).isTrue();
        assertThat(session.typed("   ", "*")).isTrue();
        assertThat(sent).containsExactly("MSG * hello there", "MSG @bob psst", "MSG #team hi team", "JOIN #team",
                "JOIN #ops", "LEAVE #team", "LEAVE #ops", "ROSTER");
        assertThat(session.typed("/nosuch", "*")).isFalse();
    }

    @Test
    void linesItDoesNotKnowAreShownAsTheyCame() {
        loggedInAsAlice();
        hear("SOMETHING new", "ROSTER + x bob", "FROM bob", "OK JOIN", "OK LEAVE", "GROUP + #nowhere bob", "ROSTER");
        assertThat(shown).containsExactly("? SOMETHING new", "? ROSTER + x bob", "? FROM bob", "? OK JOIN",
                "? OK LEAVE", "? GROUP + #nowhere bob", "? ROSTER");
        assertThat(sent).isEmpty();
    }
}
