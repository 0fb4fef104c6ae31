package chatsrv;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What the server knows of the person on one connection: where they are in the protocol, who
 * they are once logged in, and what they sent while the server was still checking their
 * password. The loop makes one for every connection (Chat.onOpen) before any of its lines go to
 * a worker; from then on only the client's worker touches it (the same worker every time, see
 * Workers), so it needs no lock, but for {@code closed}, {@code roster} and {@code groups},
 * which the Chat's lock guards: other users' logins and logouts change them too. Other threads
 * also read {@code name} under that lock (a member list, a log line, onClose): it is written
 * once, before logIn takes the lock, which makes it visible to whoever takes the lock after.
 */
final class User {
    /**
     * Where a user is. Each line a user sends is taken, refused or kept for later by the state
     * it finds (Chat.handle). PING and QUIT are taken in AUTHENTICATING and CHATTING alike, and
     * a line that starts with no verb gets "ERR ? syntax" in both.
     *
     * <pre>
     * state            accepts                     goes to
     * ---------------  --------------------------  ---------------------------------------------
     * AUTHENTICATING   REGISTER, LOGIN             VERIFYING, once the password is on its way to
     *                                              a hasher; "ERR ... busy" if none can take it
     *                  MSG                         (stays) ERR MSG not-logged-in
     * VERIFYING        nothing: every line waits,  CHATTING on OK REGISTER / OK LOGIN;
     *                  in order, for the verdict   AUTHENTICATING on ERR LOGIN denied (answered
     *                                              100 ms later, then 200, 400, 800 ms);
     *                                              CLOSED on the fifth denial, with BYE
     * CHATTING         MSG *, MSG @name, MSG #g,   (stays); it got the roster's snapshot as it
     *                  JOIN, LEAVE, ROSTER, ACK    came here, and gets its changes from then on
     *                  REGISTER, LOGIN             (stays) ERR ... already-logged-in
     * CLOSED           nothing: QUIT, a BYE or the connection's end brought it here; what
     *                  still comes is dropped
     * </pre>
     *
     * <p>MSG, JOIN, LEAVE, ROSTER and ACK before CHATTING get "ERR ... not-logged-in". The
     * snapshot goes out with OK LOGIN, under the Chat's lock, so no state between the two is
     * needed: no change can come between them.
     */
    enum State { AUTHENTICATING, VERIFYING, CHATTING, CLOSED }

    State state = State.AUTHENTICATING;
    /** The name logged in as, or null. */
    String name;
    /** "FROM name * ", encoded once at login: what goes in front of each message to everyone. */
    byte[] toEveryone;
    /** Denied logins on this connection so far: each answer waits longer (Chat.DENIED_DELAY_NANOS). */
    int failures;
    /**
     * Reads not finished with: the first may be part done ({@code next} is its next line). While
     * VERIFYING, every read that comes waits here; the loop reads no more than
     * EventLoop.READS_IN_POOL of them before the chat says it is done with one, so this stays
     * small whatever the client sends.
     */
    final Deque<Messages> unread = new ArrayDeque<>(2);
    int next;
    /** Set when the connection has closed: a login that comes back after must not go online. Guarded by the Chat's lock. */
    boolean closed;
    /** What this user has been sent of the roster and has acknowledged. Guarded by the Chat's lock. */
    final Roster.Window roster = new Roster.Window();
    /** The groups this login is in, in the order it joined them. Guarded by the Chat's lock. */
    final Set<String> groups = new LinkedHashSet<>();
}
