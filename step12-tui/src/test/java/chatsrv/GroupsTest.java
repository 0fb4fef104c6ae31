package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Groups (notes/protocol.md, "Groups"), each rule a test:
 * <ul>
 * <li>JOIN answers with the members in the order they joined, the joiner last; the members
 *     already in are told ({@code GROUP + #g name}), the joiner is not; a second JOIN is answered
 *     again and tells nobody;
 * <li>LEAVE answers OK, and the members left are told ({@code GROUP - #g name}); a group with
 *     no members is gone; LEAVE of a group one is not in is {@code not-member};
 * <li>MSG #g reaches the members, the sender's echo among them, and nobody else; from a
 *     non-member it is {@code not-member};
 * <li>a name that is no group is {@code bad-name}; the 33rd group of a login is {@code too-many};
 * <li>groups belong to a login: a QUIT, a close, or a newer login of the same name takes the
 *     connection out of all of them, the members are told, and a replacing login starts in
 *     none, free to JOIN again at once.
 * </ul>
 * The clients here read past the roster's lines (Client), which come with every login and
 * logout. "Nothing else came" is shown with PING: the PONG is queued after anything a line
 * handled before it led to, so a PONG next proves there was nothing.
 */
class GroupsTest extends ServerTest {
    @Test
    void aJoinListsTheMembersInTheOrderTheyJoinedAndTellsThoseAlreadyIn() throws Exception {
        try (Client alice = Client.registered(port, "alice"); Client bob = Client.registered(port, "bob");
                Client carol = Client.registered(port, "carol")) {
            alice.send("JOIN #g\n").expect("OK JOIN #g alice");
            carol.send("JOIN #g\n").expect("OK JOIN #g alice carol");
            alice.expect("GROUP + #g carol");
            bob.send("JOIN #g\n").expect("OK JOIN #g alice carol bob"); // join order, not name order
            alice.expect("GROUP + #g bob");
            carol.expect("GROUP + #g bob");
            for (Client c : List.of(alice, bob, carol)) {
                c.send("PING\n").expect("PONG"); // the joiner is not told of itself
            }
        }
    }

    @Test
    void aSecondJoinIsAnsweredAgainAndTellsNobody() throws Exception {
        try (Client alice = Client.registered(port, "alice"); Client bob = Client.registered(port, "bob")) {
            alice.send("JOIN #g\n").expect("OK JOIN #g alice");
            bob.send("JOIN #g\n").expect("OK JOIN #g alice bob");
            alice.expect("GROUP + #g bob");
            alice.send("join #g\n").expect("OK JOIN #g alice bob"); // still first: her place is kept
            bob.send("PING\n").expect("PONG");
            alice.send("PING\n").expect("PONG");
        }
    }

    @Test
    void aLeaveIsToldToTheMembersLeftAndARejoinComesLast() throws Exception {
        try (Client alice = Client.registered(port, "alice"); Client bob = Client.registered(port, "bob");
                Client carol = Client.registered(port, "carol")) {
            alice.send("JOIN #g\n").expect("OK JOIN #g alice");
            bob.send("JOIN #g\n").expect("OK JOIN #g alice bob");
            carol.send("JOIN #g\n").expect("OK JOIN #g alice bob carol");
            alice.expect("GROUP + #g bob").expect("GROUP + #g carol");
            bob.expect("GROUP + #g carol");

            bob.send("LEAVE #g\n").expect("OK LEAVE #g");
            alice.expect("GROUP - #g bob");
            carol.expect("GROUP - #g bob");
            bob.send("PING\n").expect("PONG"); // the leaver is not told of itself
            bob.send("JOIN #g\n").expect("OK JOIN #g alice carol bob");
        }
    }

    @Test
    void aMessageToAGroupReachesItsMembersAndTheSenderOnly() throws Exception {
        try (Client alice = Client.registered(port, "alice"); Client bob = Client.registered(port, "bob");
                Client outsider = Client.registered(port, "outsider")) {
            alice.send("JOIN #g\n").expect("OK JOIN #g alice");
            bob.send("JOIN #g\n").expect("OK JOIN #g alice bob");
            alice.expect("GROUP + #g bob");

            alice.send("MSG #g hello, group of two\n").expect("FROM alice #g hello, group of two"); // the echo
            bob.expect("FROM alice #g hello, group of two");
            outsider.send("PING\n").expect("PONG");

            outsider.send("MSG #g let me in\n").expect("ERR MSG not-member you are not in #g; JOIN it first");
            outsider.send("MSG #nobody-here hi\n").expect("ERR MSG not-member you are not in #nobody-here; JOIN it first");
            alice.send("PING\n").expect("PONG");
            bob.send("PING\n").expect("PONG");
        }
    }

    @Test
    void leavingAGroupOneIsNotInGetsNotMember() throws Exception {
        try (Client alice = Client.registered(port, "alice"); Client bob = Client.registered(port, "bob")) {
            bob.send("JOIN #g\n").expect("OK JOIN #g bob");
            alice.send("LEAVE #g\n").expect("ERR LEAVE not-member you are not in #g"); // the group exists
            alice.send("LEAVE #nowhere\n").expect("ERR LEAVE not-member you are not in #nowhere"); // it does not
            alice.send("LEAVE #Not-A-Group\n").expect("ERR LEAVE not-member you are not in that group");
            alice.send("LEAVE\n").expect("ERR LEAVE syntax usage: LEAVE #<group>");
            alice.send("LEAVE #G\n").expect("ERR LEAVE not-member you are not in that group");
            bob.send("PING\n").expect("PONG"); // bob is still in, and was told nothing
            bob.send("LEAVE #g\n").expect("OK LEAVE #g");
            bob.send("LEAVE #g\n").expect("ERR LEAVE not-member you are not in #g");
        }
    }

    @Test
    void aGroupWithNoMembersIsGone() throws Exception {
        try (Client alice = Client.registered(port, "alice"); Client bob = Client.registered(port, "bob")) {
            alice.send("JOIN #g\n").expect("OK JOIN #g alice");
            alice.send("LEAVE #g\n").expect("OK LEAVE #g");
            bob.send("JOIN #g\n").expect("OK JOIN #g bob"); // a new group: bob its first member
            alice.send("PING\n").expect("PONG");
        }
    }

    @Test
    void aNameThatIsNoGroupGetsBadName() throws Exception {
        try (Client alice = Client.registered(port, "alice")) {
            String usage = "ERR JOIN bad-name usage: JOIN #<group>, a group # and 1 to 32 of a-z 0-9 _ -";
            alice.send("JOIN\n").expect("ERR JOIN syntax usage: JOIN #<group>");
            alice.send("JOIN \n").expect("ERR JOIN syntax usage: JOIN #<group>");
            for (String bad : new String[] {"JOIN g", "JOIN #", "JOIN #G", "JOIN #a b", "JOIN ##g",
                    "JOIN #" + "a".repeat(33), "JOIN @alice", "JOIN *"}) {
                alice.send(bad + "\n").expect(usage);
            }
            String longest = "#" + "a".repeat(32);
            alice.send("JOIN " + longest + "\n").expect("OK JOIN " + longest + " alice");
            alice.send("JOIN #a-z_0-9\n").expect("OK JOIN #a-z_0-9 alice");
            alice.send("MSG #Bad hi\n").expect("ERR MSG not-member you are not in that group; JOIN it first");
        }
    }

    /**
     * A login may be in 32 groups. The 33rd is refused and not made (bob, joining it, is its
     * only member); a JOIN of a group it is in is still answered; once it leaves one, it may join
     * another.
     */
    @Test
    void the33rdGroupOfALoginGetsTooMany() throws Exception {
        try (Client alice = Client.registered(port, "alice"); Client bob = Client.registered(port, "bob")) {
            StringBuilder joins = new StringBuilder();
            for (int i = 1; i <= 32; i++) {
                joins.append("JOIN #g").append(i).append('\n');
            }
            alice.send(joins.toString());
            for (int i = 1; i <= 32; i++) {
                alice.expect("OK JOIN #g" + i + " alice");
            }
            alice.send("JOIN #g33\n").expect("ERR JOIN too-many you are in 32 groups already; LEAVE one first");
            alice.send("JOIN #g7\n").expect("OK JOIN #g7 alice");
            bob.send("JOIN #g33\n").expect("OK JOIN #g33 bob");
            bob.send("PING\n").expect("PONG"); // alice never joined it: no GROUP + to bob

            alice.send("LEAVE #g1\n").expect("OK LEAVE #g1");
            alice.send("JOIN #g33\n").expect("OK JOIN #g33 bob alice");
            bob.expect("GROUP + #g33 alice");
        }
    }

    @Test
    void aMemberThatQuitsOrClosesLeavesItsGroups() throws Exception {
        try (Client alice = Client.registered(port, "alice"); Client bob = Client.registered(port, "bob");
                Client carol = Client.registered(port, "carol")) {
            alice.send("JOIN #g\nJOIN #h\n").expect("OK JOIN #g alice").expect("OK JOIN #h alice");
            bob.send("JOIN #g\nJOIN #h\n").expect("OK JOIN #g alice bob").expect("OK JOIN #h alice bob");
            carol.send("JOIN #g\n").expect("OK JOIN #g alice bob carol");
            alice.expect("GROUP + #g bob").expect("GROUP + #h bob").expect("GROUP + #g carol");
            bob.expect("GROUP + #g carol");

            bob.send("QUIT\n").expect("BYE see you");
            assertThat(List.of(alice.readLine(), alice.readLine())).containsExactlyInAnyOrder("GROUP - #g bob", "GROUP - #h bob");
            carol.expect("GROUP - #g bob");

            carol.close(); // no QUIT: the connection's end is a logout too
            alice.expect("GROUP - #g carol");
            alice.send("MSG #g alone now\n").expect("FROM alice #g alone now");
            alice.send("JOIN #g\n").expect("OK JOIN #g alice");
        }
    }

    /**
     * A newer login of bob replaces the older: the older leaves its groups at that moment, and
     * the members are told. The newer login is in no group (it cannot write to #g nor leave it),
     * and may JOIN at once, even in the same write as its LOGIN: had the older connection stayed
     * a member until it closed, the answer would list bob twice.
     */
    @Test
    void aReplacedLoginLeavesItsGroupsAndTheNewerOneStartsInNone() throws Exception {
        try (Client alice = Client.registered(port, "alice"); Client older = Client.registered(port, "bob")) {
            alice.send("JOIN #g\n").expect("OK JOIN #g alice");
            older.send("JOIN #g\n").expect("OK JOIN #g alice bob");
            alice.expect("GROUP + #g bob");

            try (Client newer = Client.welcomed(port)) {
                newer.send("LOGIN bob " + Client.passwordOf("bob") + "\nJOIN #g\n");
                newer.expectSlow("OK LOGIN bob").expect("OK JOIN #g alice bob");
                older.expect("BYE logged in from elsewhere");
                alice.expect("GROUP - #g bob").expect("GROUP + #g bob");

                newer.send("LEAVE #g\n").expect("OK LEAVE #g");
                alice.expect("GROUP - #g bob");
                newer.send("MSG #g hi\n").expect("ERR MSG not-member you are not in #g; JOIN it first");
            }
        }
    }

    /** The same, without the newer login joining: it is in none of the older one's groups. */
    @Test
    void aReplacingLoginIsInNoGroup() throws Exception {
        try (Client alice = Client.registered(port, "alice"); Client older = Client.registered(port, "bob")) {
            alice.send("JOIN #g\n").expect("OK JOIN #g alice");
            older.send("JOIN #g\n").expect("OK JOIN #g alice bob");
            alice.expect("GROUP + #g bob");

            try (Client newer = Client.loggedIn(port, "bob")) {
                alice.expect("GROUP - #g bob");
                newer.send("MSG #g still here?\n").expect("ERR MSG not-member you are not in #g; JOIN it first");
                newer.send("LEAVE #g\n").expect("ERR LEAVE not-member you are not in #g");
                alice.send("MSG #g anyone?\n").expect("FROM alice #g anyone?");
                newer.send("PING\n").expect("PONG"); // not a member: alice's message did not reach it
                older.expect("BYE logged in from elsewhere");
                assertThat(older.atEndOfStream()).isTrue();
            }
        }
    }
}
