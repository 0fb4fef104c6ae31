package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * The roster as a client that keeps up sees it (notes/protocol.md, "The roster"):
 * <ul>
 * <li>after OK REGISTER and OK LOGIN comes a snapshot, BEGIN v, one USER per user online in
 *     name order (the client itself among them), END v count;
 * <li>every login of a name not online and every logout is a change, {@code ROSTER + v name} or
 *     {@code ROSTER - v name}, with the next version, sent to everyone logged in but the user it
 *     is about, and logged with its version;
 * <li>ROSTER asks for a fresh snapshot at the current version at any time;
 * <li>ACK and ROSTER have a syntax of their own, and need a login, as MSG, JOIN and LEAVE do;
 * <li>a login that replaces an older login of the same name is no change: nobody is told, the
 *     version stays, and only the later logout of the newer connection is a {@code -}.
 * </ul>
 * The server starts at version 0, and every test starts a fresh server: the versions here are
 * exact.
 */
class RosterTest extends ServerTest {
    @Test
    void aRegistrationGetsASnapshotListingItself() throws Exception {
        try (Client alice = register("alice")) {
            alice.expect("ROSTER BEGIN 1").expect("ROSTER USER alice").expect("ROSTER END 1 1");
            alice.send("PING\n").expect("PONG"); // and nothing else, such as a change about itself
            server.awaitLine(alice.address() + ": logged in as alice (roster version 1)");
        }
    }

    /** The snapshot lists users by name, not in the order they came: alice, who came last, first. */
    @Test
    void aLoginGetsASnapshotOfEveryoneOnlineInNameOrder() throws Exception {
        registerAndQuit("alice"); // versions 1 (+) and 2 (-)
        try (Client bob = Client.registered(port, "bob"); // version 3
                Client alice = logIn("alice")) { // version 4
            alice.expect("ROSTER BEGIN 4").expect("ROSTER USER alice").expect("ROSTER USER bob").expect("ROSTER END 4 2");
            alice.send("PING\n").expect("PONG");
        }
    }

    @Test
    void anotherUsersLoginAndQuitAreChangesWithTheNextVersions() throws Exception {
        try (Client alice = register("alice")) {
            alice.expect("ROSTER BEGIN 1").expect("ROSTER USER alice").expect("ROSTER END 1 1");
            Client bob = register("bob");
            alice.expect("ROSTER + 2 bob");
            bob.expect("ROSTER BEGIN 2").expect("ROSTER USER alice").expect("ROSTER USER bob").expect("ROSTER END 2 2");
            bob.send("PING\n").expect("PONG"); // no change about its own login
            server.awaitLine("logged in as bob (roster version 2)");

            bob.send("QUIT\n").expect("BYE see you");
            assertThat(bob.atEndOfStream()).isTrue();
            bob.close();
            alice.expect("ROSTER - 3 bob");
            server.awaitLine("bob logged out (roster version 3)");
            alice.send("PING\n").expect("PONG");
        }
    }

    /** A change is sent to every user logged in but the one it is about; a connection not logged in gets none. */
    @Test
    void aChangeGoesToEveryoneLoggedInButTheUserItIsAbout() throws Exception {
        try (Client alice = register("alice");
                Client bob = register("bob");
                Client stranger = Client.welcomed(port).seeingRoster()) {
            alice.expect("ROSTER BEGIN 1").expect("ROSTER USER alice").expect("ROSTER END 1 1").expect("ROSTER + 2 bob");
            bob.expect("ROSTER BEGIN 2").expect("ROSTER USER alice").expect("ROSTER USER bob").expect("ROSTER END 2 2");
            Client carol = Client.registered(port, "carol");
            alice.expect("ROSTER + 3 carol");
            bob.expect("ROSTER + 3 carol");
            carol.close();
            alice.expect("ROSTER - 4 carol");
            bob.expect("ROSTER - 4 carol");
            stranger.send("PING\n").expect("PONG");
        }
    }

    @Test
    void rosterGivesAFreshSnapshotAtTheCurrentVersionAndChangesFollowIt() throws Exception {
        try (Client alice = register("alice"); Client bob = Client.registered(port, "bob")) {
            alice.expect("ROSTER BEGIN 1").expect("ROSTER USER alice").expect("ROSTER END 1 1").expect("ROSTER + 2 bob");
            alice.send("ROSTER\n");
            alice.expect("ROSTER BEGIN 2").expect("ROSTER USER alice").expect("ROSTER USER bob").expect("ROSTER END 2 2");
            alice.send("roster\n"); // a verb in any case, as every other
            alice.expect("ROSTER BEGIN 2").expect("ROSTER USER alice").expect("ROSTER USER bob").expect("ROSTER END 2 2");
            alice.send("ROSTER now\n").expect("ERR ROSTER syntax usage: ROSTER");
            bob.send("QUIT\n").expect("BYE see you");
            alice.expect("ROSTER - 3 bob");
        }
    }

    @Test
    void anAckThatIsNoVersionGetsSyntaxAndAGoodOneGetsNoAnswer() throws Exception {
        try (Client alice = register("alice")) {
            alice.expect("ROSTER BEGIN 1").expect("ROSTER USER alice").expect("ROSTER END 1 1");
            String usage = "ERR ACK syntax usage: ACK <version>, the version a number";
            for (String bad : new String[] {"ACK", "ACK ", "ACK x", "ACK -1", "ACK 1x", "ACK 1 2", "ACK +1",
                    "ACK " + "9".repeat(19)}) {
                alice.send(bad + "\n").expect(usage);
            }
            // A version is answered with nothing, whether it acknowledges something (1) or not
            // (18 digits: a number, but of a version never sent).
            alice.send("ACK 1\nACK " + "9".repeat(18) + "\nPING\n").expect("PONG");
            server.awaitLine("alice): ACK " + "9".repeat(18) + " of a version never sent (last sent: 1): nothing acknowledged");
        }
    }

    @Test
    void theRosterVerbsAndGroupsNeedALogin() throws Exception {
        try (Client c = Client.welcomed(port).seeingRoster()) {
            for (String line : new String[] {"MSG * hi", "JOIN #g", "LEAVE #g", "ROSTER", "ROSTER x", "ACK 1", "ACK x"}) {
                String verb = line.split(" ")[0];
                c.send(line + "\n").expect("ERR " + verb + " not-logged-in log in first: LOGIN <name> <password>");
            }
            c.send("PING\n").expect("PONG");
        }
    }

    /**
     * A login replaces an older login of the same name: the name never went offline, so this is
     * no change. The observer is told nothing, neither at the login nor when the older
     * connection closes; the newer connection gets a snapshot with the name in it once, at the
     * version of before; and the later QUIT of the newer one is the {@code -}, at the next
     * version.
     */
    @Test
    void aLoginThatReplacesAnOlderOneIsNoChange() throws Exception {
        try (Client alice = register("alice"); Client older = Client.registered(port, "bob")) {
            alice.expect("ROSTER BEGIN 1").expect("ROSTER USER alice").expect("ROSTER END 1 1").expect("ROSTER + 2 bob");
            String olderAddress = older.address();

            Client newer = logIn("bob");
            newer.expect("ROSTER BEGIN 2").expect("ROSTER USER alice").expect("ROSTER USER bob").expect("ROSTER END 2 2");
            older.expect("BYE logged in from elsewhere");
            assertThat(older.atEndOfStream()).isTrue();
            // The older connection's end has been handled (Chat.onClose, which would send a -),
            // and the change a login sends goes out before its OK: anything alice was to be told
            // is on her queue before the PONG.
            server.awaitLine("connection terminated: " + olderAddress);
            alice.send("PING\n").expect("PONG");
            assertThat(server.count("bob logged out")).isZero();
            server.awaitLine("logged in as bob, in place of " + olderAddress);

            newer.send("QUIT\n").expect("BYE see you");
            alice.expect("ROSTER - 3 bob");
            server.awaitLine("bob logged out (roster version 3)");
            newer.close();
        }
    }

    /**
     * A client that registers as {@code name} and sees every line from its first on: so that a
     * roster line about itself, sent before its OK, would not go unseen.
     */
    private Client register(String name) throws IOException {
        Client c = Client.welcomed(port).seeingRoster();
        return c.send("REGISTER " + name + " " + Client.passwordOf(name) + "\n").expectSlow("OK REGISTER " + name);
    }

    /** The same for a login of an account that exists. */
    private Client logIn(String name) throws IOException {
        Client c = Client.welcomed(port).seeingRoster();
        return c.send("LOGIN " + name + " " + Client.passwordOf(name) + "\n").expectSlow("OK LOGIN " + name);
    }

    /** Registers {@code name} and quits: two changes, a + and a -. Returns once the - is done. */
    private void registerAndQuit(String name) throws IOException {
        try (Client c = Client.registered(port, name)) {
            c.send("QUIT\n").expect("BYE see you");
            assertThat(c.atEndOfStream()).isTrue();
        }
        server.awaitLine(name + " logged out");
    }
}
