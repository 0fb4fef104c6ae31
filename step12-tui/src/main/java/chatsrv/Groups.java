package chatsrv;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The groups and their members. A group is made by its first JOIN and is gone with its last
 * member. A member is a connection, not a name: groups belong to a login, so a user who logs
 * out, or whose login a newer one replaces, is in none (the Chat takes it out of each).
 *
 * <p>Not thread-safe: the Chat's lock guards it, and each User.groups, which says the same
 * from the member's side, so that leaving them all at logout costs only the groups one is in.
 */
final class Groups {
    /**
     * Groups one login may be in. Without a bound, a client sending JOIN #a1, JOIN #a2 ... would
     * make the server hold groups without end.
     */
    static final int MAX_PER_USER = 32;

    /** One group's members, in the order they joined, and as an array shared by every message to it. */
    static final class Group {
        final Set<Connection> members = new LinkedHashSet<>();
        /** Made again only after someone joined or left (null until then); nobody changes it once made. */
        Connection[] array;
        /**
         * The answer to a JOIN, which lists every member: made once per membership, like the
         * roster's snapshot, so that a client repeating JOIN does not make the server build it
         * again each time, under the Chat's lock.
         */
        Line okJoin;

        Connection[] array() {
            if (array == null) {
                array = members.toArray(new Connection[0]);
            }
            return array;
        }
    }

    private static final Connection[] NONE = new Connection[0];

    private final Map<String, Group> groups = new HashMap<>();

    /** Whether {@code c} is in {@code group}. */
    boolean isMember(String group, Connection c) {
        Group g = groups.get(group);
        return g != null && g.members.contains(c);
    }

    /** The members of {@code group}, in the order they joined; none if there is no such group. Nobody changes the array. */
    Connection[] members(String group) {
        Group g = groups.get(group);
        return g == null ? NONE : g.array();
    }

    /** The answer to a JOIN of {@code group}, which exists: OK JOIN, the group and its members in the order they joined. */
    Line okJoin(String group) {
        Group g = groups.get(group);
        if (g.okJoin == null) {
            StringBuilder ok = new StringBuilder("OK JOIN ").append(group);
            for (Connection member : g.array()) {
                ok.append(' ').append(member.user.name);
            }
            g.okJoin = Line.of(ok.toString());
        }
        return g.okJoin;
    }

    /**
     * {@code c} joins {@code group}, which is made if it is not there; false if it may not: it
     * is in MAX_PER_USER groups already. The caller has made sure that c is not in the group.
     */
    boolean join(String group, Connection c) {
        if (c.user.groups.size() >= MAX_PER_USER) {
            return false;
        }
        Group g = groups.computeIfAbsent(group, k -> new Group());
        g.members.add(c);
        g.array = null;
        g.okJoin = null;
        c.user.groups.add(group);
        return true;
    }

    /** {@code c} leaves {@code group}; false if it was not a member. The last one out takes the group with it. */
    boolean leave(String group, Connection c) {
        Group g = groups.get(group);
        if (g == null || !g.members.remove(c)) {
            return false;
        }
        g.array = null;
        g.okJoin = null;
        c.user.groups.remove(group);
        if (g.members.isEmpty()) {
            groups.remove(group);
        }
        return true;
    }
}
