package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The roster's window (notes/protocol.md, "A client that lags"): the server keeps at most 16
 * changes unacknowledged per client, a snapshot counting as one. Each test here has alice
 * watch while bob logs in and out, two changes a cycle, and shows one part of the rule:
 * <ul>
 * <li>a client that never acknowledges gets its snapshot and 15 changes, then nothing, and the
 *     server logs once that it is behind;
 * <li>once it acknowledges all it was sent, it gets one fresh snapshot at the current version,
 *     not the changes it missed, and then changes again, a whole window of them;
 * <li>an ACK of a version it was never sent acknowledges nothing (and is logged), and neither
 *     does an ACK of a version from before its latest snapshot (silently);
 * <li>an ACK of part of what was sent opens the window by as much, but not for a client
 *     already behind, which must acknowledge everything;
 * <li>a client that does not read at all while hundreds of changes happen has a window's worth
 *     waiting for it, then one snapshot.
 * </ul>
 * "Nothing" is shown with PING: once bob's logins and logouts are done, the PONG is queued
 * after anything they led to, so the PONG coming next proves nothing else was sent.
 *
 * <p>Versions are exact: bob registers and quits (1 and 2), alice registers (3), and from then
 * on bob's logins are the even versions and his logouts the odd ones.
 */
class RosterLagTest extends ServerTest {
    private static final String BEHIND = " (alice) has 16 roster changes unacknowledged: sent no more until it acknowledges them";

    @Test
    void aClientThatNeverAcknowledgesGetsItsSnapshotAnd15ChangesThenNothing() throws Exception {
        try (Client alice = aliceBehind()) {
            // bob logged in and out up to version 23, but alice stopped at 18.
            alice.send("PING\n").expect("PONG");
            assertThat(server.count(alice.address() + BEHIND)).as("logged once").isEqualTo(1);
        }
    }

    @Test
    void acknowledgingAllItWasSentEarnsOneFreshSnapshotThenChangesAgain() throws Exception {
        try (Client alice = aliceBehind()) {
            alice.send("ACK 18\n");
            expectSnapshotOfAliceAlone(alice, 23);
            alice.send("PING\n").expect("PONG"); // one snapshot, and not the changes 19 to 23
            server.awaitLine(alice.address() + " (alice) has acknowledged all it was sent: a fresh snapshot at version 23");

            // A whole window again: the snapshot counts as one, then 15 changes.
            loginsAndQuits("bob", 8); // versions 24 to 39
            expectChangesOfBob(alice, 24, 38);
            alice.send("PING\n").expect("PONG");
            assertThat(server.count(alice.address() + BEHIND)).as("behind a second time").isEqualTo(2);
        }
    }

    @Test
    void anAckOfAVersionNeverSentAcknowledgesNothing() throws Exception {
        try (Client alice = aliceBehind()) {
            // 19 exists (bob's logout), but alice was never sent it; 1000 does not exist yet.
            alice.send("ACK 19\nACK 1000\nPING\n").expect("PONG");
            server.awaitLine(alice.address() + " (alice): ACK 19 of a version never sent (last sent: 18): nothing acknowledged");
            server.awaitLine(alice.address() + " (alice): ACK 1000 of a version never sent (last sent: 18): nothing acknowledged");

            // Still behind: more changes bring neither a change nor a snapshot.
            loginsAndQuits("bob", 1); // versions 24 and 25
            alice.send("PING\n").expect("PONG");
            alice.send("ACK 18\n");
            expectSnapshotOfAliceAlone(alice, 25);
        }
    }

    /**
     * After a snapshot at 13, alice acknowledges 5, a version she was sent but from before that
     * snapshot: it counts for nothing, so her window has its full room of 15 changes, neither
     * more nor less, and the server does not take it for a version never sent.
     */
    @Test
    void anAckOfAVersionBeforeTheLatestSnapshotAcknowledgesNothing() throws Exception {
        try (Client alice = aliceWatching()) {
            loginsAndQuits("bob", 5); // versions 4 to 13
            expectSnapshotOfAliceAlone(alice, 3);
            expectChangesOfBob(alice, 4, 13);
            alice.send("ROSTER\n");
            expectSnapshotOfAliceAlone(alice, 13);
            alice.send("ACK 5\nPING\n").expect("PONG"); // no answer, and handled before bob goes on

            loginsAndQuits("bob", 10); // versions 14 to 33
            expectChangesOfBob(alice, 14, 28);
            alice.send("PING\n").expect("PONG");
            assertThat(server.count("ACK 5 of a version never sent")).isZero();
            assertThat(server.count(alice.address() + BEHIND)).isEqualTo(1);
        }
    }

    @Test
    void anAckOfPartOfWhatWasSentOpensTheWindowByAsMuch() throws Exception {
        try (Client alice = aliceWatching()) {
            loginsAndQuits("bob", 7); // versions 4 to 17: with the snapshot, 15 unacknowledged
            expectSnapshotOfAliceAlone(alice, 3);
            expectChangesOfBob(alice, 4, 17);
            alice.send("ACK 9\nPING\n").expect("PONG"); // 10 to 17 still unacknowledged: room for 8
            alice.send("ACK 5\nPING\n").expect("PONG"); // a lower ACK after it takes nothing back

            loginsAndQuits("bob", 5); // versions 18 to 27
            expectChangesOfBob(alice, 18, 25);
            alice.send("PING\n").expect("PONG");
            assertThat(server.count(alice.address() + BEHIND)).isEqualTo(1);

            // Once behind, acknowledging part of it opens nothing: only all of it earns the snapshot.
            alice.send("ACK 20\nPING\n").expect("PONG");
            loginsAndQuits("bob", 1); // versions 28 and 29
            alice.send("PING\n").expect("PONG");
            alice.send("ACK 25\n");
            expectSnapshotOfAliceAlone(alice, 29);
            alice.send("PING\n").expect("PONG");
        }
    }

    /**
     * alice reads nothing while bob logs in and out 150 times. What waits for her is bounded by
     * the window however many changes there were: her snapshot and 15 changes. Acknowledging
     * them brings one snapshot of the roster as it is now, not the 285 changes she missed.
     */
    @Test
    void aClientThatDoesNotReadThroughHundredsOfChangesHasAWindowWaitingThenOneSnapshot() throws Exception {
        try (Client alice = aliceWatching()) {
            loginsAndQuits("bob", 150); // versions 4 to 303
            server.awaitLine("bob logged out (roster version 303)");
            expectSnapshotOfAliceAlone(alice, 3);
            expectChangesOfBob(alice, 4, 18);
            alice.send("PING\n").expect("PONG");
            assertThat(server.count(alice.address() + BEHIND)).isEqualTo(1);

            alice.send("ACK 18\n");
            expectSnapshotOfAliceAlone(alice, 303);
            alice.send("PING\n").expect("PONG");
        }
    }

    /** bob registers and quits (versions 1 and 2); alice registers (3) and sees every line from now on, unread so far. */
    private Client aliceWatching() throws IOException {
        try (Client bob = Client.registered(port, "bob")) {
            bob.send("QUIT\n").expect("BYE see you");
            assertThat(bob.atEndOfStream()).isTrue();
        }
        server.awaitLine("bob logged out (roster version 2)");
        Client alice = Client.welcomed(port).seeingRoster();
        alice.send("REGISTER alice " + Client.passwordOf("alice") + "\n").expectSlow("OK REGISTER alice");
        server.awaitLine("logged in as alice (roster version 3)");
        return alice;
    }

    /**
     * alice, who never acknowledges, after 20 changes (bob in and out ten times, versions 4 to
     * 23): she has read her snapshot and the 15 changes she was sent, 4 to 18, and is behind.
     */
    private Client aliceBehind() throws IOException {
        Client alice = aliceWatching();
        loginsAndQuits("bob", 10);
        expectSnapshotOfAliceAlone(alice, 3);
        expectChangesOfBob(alice, 4, 18);
        server.awaitLine(alice.address() + BEHIND);
        return alice;
    }

    /**
     * {@code name} logs in and quits, {@code cycles} times: two changes a cycle. The loop
     * handles a logout (Chat.onClose) in the very pass in which it closes the connection, so the
     * next cycle's login, whose verdict goes through the loop, comes after it: the cycles never
     * overlap, and no login replaces another. The last logout is also waited for in the log, so
     * that every version a test reads next has been decided.
     */
    private void loginsAndQuits(String name, int cycles) throws IOException {
        long before = server.count(name + " logged out");
        for (int i = 0; i < cycles; i++) {
            try (Client c = Client.welcomed(port)) {
                // The QUIT waits, in order, for the verdict of the LOGIN: one round trip a cycle.
                c.send("LOGIN " + name + " " + Client.passwordOf(name) + "\nQUIT\n");
                c.expectSlow("OK LOGIN " + name).expect("BYE see you");
                assertThat(c.atEndOfStream()).isTrue();
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> server.count(name + " logged out") == before + cycles);
    }

    private static void expectSnapshotOfAliceAlone(Client alice, long version) throws IOException {
        alice.expect("ROSTER BEGIN " + version).expect("ROSTER USER alice").expect("ROSTER END " + version + " 1");
    }

    /** The changes from version {@code from} to {@code to}: bob's logins at the even versions, his logouts at the odd. */
    private static void expectChangesOfBob(Client alice, long from, long to) throws IOException {
        for (long v = from; v <= to; v++) {
            alice.expect("ROSTER " + (v % 2 == 0 ? "+ " : "- ") + v + " bob");
        }
    }
}
