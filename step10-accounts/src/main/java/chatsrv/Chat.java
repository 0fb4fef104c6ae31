package chatsrv;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The chat: what the server does with what its clients send, kept apart from the I/O of the
 * EventLoop and the Connection. It speaks the protocol of notes/protocol.md: users register or
 * log in, then write to everyone or to one user by name. Each connection's User says where it
 * is (User.State has the table of which lines each state takes). It decides; the loop carries
 * out (EventLoop.deliver, EventLoop.disconnect), in the order the chat asked.
 *
 * <p>Where the work runs:
 * <ul>
 * <li>the event loop's thread: onOpen, onClose, onTimer, onShutdown;
 * <li>the client's worker: onMessages and onVerdict, so each User is only ever touched by one
 *     thread, and a client's lines are answered in the order it sent them;
 * <li>a hasher: the password's PBKDF2, which takes 150 to 250 ms of a core (Passwords, Hashers);
 * <li>the users-writer: a new account's way to disk (Accounts).
 * </ul>
 * What comes of a password goes back to the client's worker as a Verdict, through the loop,
 * which holds back a denial for a while first (EventLoop.later): the delay is a deadline on the
 * loop, not a thread asleep.
 *
 * <p>One lock, this object's, guards who is connected (members) and who is logged in
 * (online, everyone). Whoever holds it asks the loop for what it decided before letting go, so
 * the loop's inbox has the decisions in the order they were taken. Nothing slow happens under
 * it: no hash, no disk, no waiting for the loop (which needs it at shutdown).
 */
final class Chat implements Workers.Work {
    private static final Line WELCOME = Line.of("Welcome to chatsrv! REGISTER <name> <password> or LOGIN <name> <password>,"
            + " then MSG * <text> or MSG @<name> <text>.");
    private static final Line SERVER_FULL = Line.of("BYE server full, try again later");
    private static final Line GOODBYE = Line.of("BYE server shutting down");
    private static final Line SEE_YOU = Line.of("BYE see you");
    private static final Line ELSEWHERE = Line.of("BYE logged in from elsewhere");
    private static final Line TOO_MANY_FAILURES = Line.of("BYE too many failed logins");
    /** The first denied login is answered this long after its hash, each next one twice as long as the one before. */
    static final long DENIED_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** The denial that closes the connection. */
    static final int MAX_FAILURES = 5;
    static final int MAX_NAME = 32;

    private final EventLoop loop;
    private final Log log;
    private final Accounts accounts;
    private final Passwords passwords;
    private final Hashers hashers;
    private final int maxClients;
    private final String fullReason;
    private final long idleTimeoutNanos;
    private final Line idle;
    private final String idleReason;
    /**
     * Every client, with when it last sent a line (System.nanoTime()), in that order: a client
     * that speaks moves to the end, so the first is always the next to fall silent for too long,
     * and a timer only ever looks at the first. Guarded by this.
     */
    private final LinkedHashMap<Connection, Long> members = new LinkedHashMap<>();
    /** Who is logged in, by name: one connection each. Guarded by this. */
    private final Map<String, Connection> online = new HashMap<>();
    /**
     * The connections of the users online, as an array: whom a message to everyone goes to. Made
     * again only after someone logged in or left (null until then), and shared meanwhile by every
     * message; nobody changes an array once made. Guarded by this.
     */
    private Connection[] everyone;

    Chat(Options options, Log log, EventLoop loop, Accounts accounts, Passwords passwords, Hashers hashers) {
        this.loop = loop;
        this.log = log;
        this.accounts = accounts;
        this.passwords = passwords;
        this.hashers = hashers;
        this.maxClients = options.maxClients();
        this.fullReason = "refused: server full (--max-clients " + maxClients + ")";
        this.idleTimeoutNanos = options.idleTimeout().toNanos(); // 0: none
        this.idle = Line.of("BYE idle for " + options.idleTimeout().toMillis() + " ms");
        this.idleReason = "idle for " + options.idleTimeout().toMillis() + " ms (--idle-timeout)";
        // Loaded now, as EventLoop.loadClassesNow explains: a worker must not need a descriptor
        // to load a class while a flood of clients has taken them all.
        for (Class<?> c : List.of(User.class, User.State.class, Verb.class, Verdict.class, Outbox.class)) {
            try {
                Class.forName(c.getName());
            } catch (ClassNotFoundException e) {
                throw new AssertionError(e);
            }
        }
    }

    /** Runs on the loop's thread, before any line of the client's goes to a worker. */
    synchronized void onOpen(Connection client) {
        client.user = new User();
        if (members.size() >= maxClients) {
            client.user.state = User.State.CLOSED;
            loop.deliver(SERVER_FULL, client);
            loop.disconnect(client, fullReason);
            return;
        }
        members.put(client, System.nanoTime());
        loop.deliver(WELCOME, client);
    }

    /** Runs on the client's worker: the lines of one read, after those that still wait (User.unread). */
    @Override
    public void onMessages(Connection from, Messages messages, Arena arena) {
        User user = from.user;
        user.unread.add(messages);
        heard(from);
        handleUnread(from, user, arena);
    }

    /** Runs on the client's worker: what came of its REGISTER or LOGIN; then the lines that waited for it. */
    @Override
    public void onVerdict(Connection from, Verdict verdict, Arena arena) {
        User user = from.user;
        if (user.state != User.State.VERIFYING) {
            return; // closed meanwhile
        }
        if (verdict.ok()) {
            user.failures = 0;
            logIn(from, user, verdict.name(), arena.text("OK " + verdict.verb() + " " + verdict.name()));
        } else if (verdict.verb() == Verb.REGISTER) {
            user.state = User.State.AUTHENTICATING;
            reply(from, arena, "ERR REGISTER busy could not save the account; try again later");
        } else {
            user.failures++;
            log.info("%s: LOGIN %s denied (%d of %d)", from, verdict.name(), user.failures, MAX_FAILURES);
            reply(from, arena, "ERR LOGIN denied wrong name or password");
            if (user.failures < MAX_FAILURES) {
                user.state = User.State.AUTHENTICATING;
            } else {
                user.state = User.State.CLOSED;
                loop.deliver(TOO_MANY_FAILURES, from);
                loop.disconnect(from, MAX_FAILURES + " failed logins");
            }
        }
        handleUnread(from, user, arena);
    }

    /**
     * Handles the lines that wait, in order, until there are none or a password check begins.
     * The loop learns it may read more from the client (EventLoop.done) only once a read is
     * finished: while the user is VERIFYING, its reads stay unfinished, and the loop stops
     * reading at EventLoop.READS_IN_POOL of them.
     */
    private void handleUnread(Connection from, User user, Arena arena) {
        Outbox toEveryone = new Outbox(from);
        while (!user.unread.isEmpty() && user.state != User.State.VERIFYING) {
            Messages read = user.unread.peek();
            while (user.next < read.count() && user.state != User.State.VERIFYING) {
                int i = user.next++;
                handle(from, user, read.get(i), read.tooLong(i), arena, toEveryone);
            }
            if (user.state != User.State.VERIFYING) {
                user.unread.remove();
                user.next = 0;
                toEveryone.send();
                loop.done(from);
            }
        }
        toEveryone.send();
    }

    /** One line from a user, in the state it is in (see User.State). */
    private void handle(Connection from, User user, ByteBuffer line, boolean tooLong, Arena arena, Outbox toEveryone) {
        if (user.state == User.State.CLOSED || !tooLong && !line.hasRemaining()) {
            return; // after a QUIT or a BYE, nothing; an empty line is nothing
        }
        Verb verb = Verb.of(line);
        if (verb != Verb.MSG || tooLong) {
            toEveryone.send(); // what the user sent before this line is answered before it
        }
        if (tooLong) {
            log.info("%s: a line longer than %d bytes, refused", from, Connection.MAX_MESSAGE);
            reply(from, arena, "ERR " + (verb == null ? "?" : verb) + " too-long the line is longer than "
                    + Connection.MAX_MESSAGE + " bytes");
            return;
        }
        if (verb == null) {
            // Its bytes are not logged: a line that is no command may well be a password
            // typed on the wrong line.
            log.info("message from %s: a line with no known verb (%d bytes, not logged)", from, line.remaining());
            reply(from, arena, "ERR ? syntax unknown command; try REGISTER, LOGIN, MSG, PING or QUIT");
            return;
        }
        if (verb == Verb.REGISTER || verb == Verb.LOGIN) {
            // The name only, and only when a password follows it: "LOGIN hunter2" may well be
            // a password typed without its name.
            ByteBuffer password = rest(line, 2);
            log.info("%s: %s", from, verb + (password == null || !password.hasRemaining()
                    ? " without a name and a password" : " " + Log.printable(word(line, 1)) + " (password not logged)"));
        } else {
            log.info("message from %s: %s", from, Log.printable(line));
        }
        // if, not switch: a switch over an enum is a class of its own (Chat$1), loaded at the
        // first line, which under EMFILE may find no descriptor to load it with.
        if (verb == Verb.PING) {
            ping(from, line, arena);
        } else if (verb == Verb.QUIT) {
            user.state = User.State.CLOSED;
            loop.deliver(SEE_YOU, from);
            loop.disconnect(from, "QUIT");
        } else if (verb == Verb.MSG) {
            if (user.state != User.State.CHATTING) {
                reply(from, arena, "ERR MSG not-logged-in log in first: LOGIN <name> <password>");
            } else {
                message(from, user, line, arena, toEveryone);
            }
        } else if (user.state == User.State.CHATTING) { // REGISTER or LOGIN
            reply(from, arena, "ERR " + verb + " already-logged-in you are logged in as " + user.name);
        } else {
            checkPassword(from, user, verb, line, arena);
        }
    }

    private void ping(Connection from, ByteBuffer line, Arena arena) {
        ByteBuffer token = rest(line, 1);
        if (token == null) {
            reply(from, arena, "PONG");
        } else if (indexOf(token, ' ') >= 0 || !token.hasRemaining()) {
            reply(from, arena, "ERR PING syntax usage: PING [<token>], the token one word");
        } else {
            loop.deliver(arena.append(PONG_SPACE, token), from);
        }
    }

    private static final byte[] PONG_SPACE = "PONG ".getBytes(UTF_8);

    /**
     * REGISTER or LOGIN: checks what can be checked at once, then hands the password to a
     * hasher, and the user waits (VERIFYING) for the verdict. A LOGIN for a name nobody has
     * still has its password hashed, and its denial comes as late: the answer tells nothing of
     * which names exist.
     */
    private void checkPassword(Connection from, User user, Verb verb, ByteBuffer line, Arena arena) {
        ByteBuffer nameBytes = word(line, 1);
        ByteBuffer passwordBytes = rest(line, 2);
        if (passwordBytes == null || !passwordBytes.hasRemaining() || !nameBytes.hasRemaining()) {
            reply(from, arena, "ERR " + verb + " syntax usage: " + verb + " <name> <password>");
            return;
        }
        String name = validName(nameBytes);
        char[] password = Passwords.decode(passwordBytes);
        boolean register = verb == Verb.REGISTER;
        if (register && name == null) {
            reply(from, arena, "ERR REGISTER bad-name a name is 1 to " + MAX_NAME + " of a-z 0-9 _ -");
            return;
        }
        if (register && password == null) {
            reply(from, arena, "ERR REGISTER syntax the password is not valid UTF-8");
            return;
        }
        if (register && !accounts.reserve(name)) {
            reply(from, arena, "ERR REGISTER taken the name " + name + " has an account already");
            return;
        }
        int failures = user.failures;
        Runnable job = register
                ? () -> register(from, name, password)
                : () -> verify(from, name, password, failures);
        user.state = User.State.VERIFYING; // before the job: with --threads 0 it ends at once
        if (!hashers.trySubmit(job)) {
            user.state = User.State.AUTHENTICATING;
            if (register) {
                accounts.release(name);
            }
            log.info("%s: %s refused: %d passwords wait for the hashers already", from, verb, Hashers.QUEUE);
            reply(from, arena, "ERR " + verb + " busy the server is busy checking passwords; try again in a moment");
        }
    }

    /** Runs on a hasher: a new account, then on to the users-writer; the verdict comes once it is on disk. */
    private void register(Connection from, String name, char[] password) {
        Account account;
        try {
            account = passwords.create(name, password);
        } catch (RuntimeException | Error e) { // as in Workers.handle: the verdict must come whatever happens
            log.info("%s: hashing failed: %s", from, e);
            accounts.release(name);
            loop.later(from, new Verdict(Verb.REGISTER, name, false), 0);
            return;
        } finally {
            Arrays.fill(password, '\0');
        }
        accounts.save(account, saved -> loop.later(from, new Verdict(Verb.REGISTER, name, saved), 0));
    }

    /** Runs on a hasher: whether the password is the account's; a denial is answered later each time. */
    private void verify(Connection from, String name, char[] password, int failures) {
        boolean ok = false;
        try {
            ok = passwords.matches(name == null ? null : accounts.find(name), password);
        } catch (RuntimeException | Error e) {
            log.info("%s: hashing failed: %s", from, e);
        } finally {
            if (password != null) {
                Arrays.fill(password, '\0');
            }
        }
        loop.later(from, new Verdict(Verb.LOGIN, name == null ? "?" : name, ok), ok ? 0 : DENIED_DELAY_NANOS << failures);
    }

    /** The user is who they said: online now, in place of an older login of the same name. */
    private void logIn(Connection from, User user, String name, Line ok) {
        user.name = name;
        user.toEveryone = ("FROM " + name + " * ").getBytes(UTF_8);
        user.state = User.State.CHATTING;
        synchronized (this) {
            if (user.closed) {
                return; // gone while its password was checked
            }
            Connection older = online.put(name, from);
            everyone = null;
            if (older != null) {
                log.info("%s: logged in as %s, in place of %s", from, name, older);
                loop.deliver(ELSEWHERE, older);
                loop.disconnect(older, "logged in as " + name + " from " + from);
            } else {
                log.info("%s: logged in as %s", from, name);
            }
            loop.deliver(ok, from);
        }
    }

    /** MSG * text, MSG @name text, MSG #group text. */
    private void message(Connection from, User user, ByteBuffer line, Arena arena, Outbox toEveryone) {
        ByteBuffer target = word(line, 1);
        ByteBuffer text = rest(line, 2);
        if (text == null || !text.hasRemaining() || !target.hasRemaining()) {
            toEveryone.send();
            reply(from, arena, "ERR MSG syntax usage: MSG * <text> | MSG @<name> <text>");
            return;
        }
        byte kind = target.get(target.position());
        if (kind == '*' && target.remaining() == 1) {
            // A run of these is one Line (the arena puts them one after the other): one
            // delivery for the run, however many lines the read brought.
            toEveryone.add(arena.append(user.toEveryone, text));
            return;
        }
        toEveryone.send();
        if (kind == '@') {
            String to = validName(target.slice(target.position() + 1, target.remaining() - 1));
            toOne(from, user, to, text, arena);
        } else if (kind == '#') {
            reply(from, arena, "ERR MSG not-member you are in no group (groups come with step11)");
        } else {
            reply(from, arena, "ERR MSG syntax usage: MSG * <text> | MSG @<name> <text>");
        }
    }

    private void toOne(Connection from, User user, String to, ByteBuffer text, Arena arena) {
        Line line = to == null ? null : arena.append(("FROM " + user.name + " @" + to + " ").getBytes(UTF_8), text);
        synchronized (this) {
            if (online.get(user.name) != from) {
                return; // replaced by a newer login: this connection is closing
            }
            Connection recipient = to == null ? null : online.get(to);
            if (recipient == null) {
                loop.deliver(arena.text("ERR MSG offline " + (to == null ? "no such user" : to + " is not online")), from);
            } else if (recipient == from) {
                loop.deliver(line, from);
            } else {
                loop.deliver(line, recipient, from);
            }
        }
    }

    /** Runs on the client's worker: lines to everyone, delivered as one to everyone online now. */
    private synchronized void toEveryone(Connection from, Line lines) {
        if (online.get(from.user.name) != from) {
            return; // replaced by a newer login: this connection is closing
        }
        if (everyone == null) {
            everyone = online.values().toArray(new Connection[0]);
        }
        loop.deliver(lines, everyone);
    }

    /**
     * A user's messages to everyone, from one run of its lines: joined into one Line while their
     * bytes follow on in the arena, and delivered as one, before anything else the user gets.
     */
    private final class Outbox {
        private final Connection from;
        private Line lines;

        Outbox(Connection from) {
            this.from = from;
        }

        void add(Line line) {
            Line joined = lines == null ? null : lines.followedBy(line);
            if (joined == null) {
                send(); // the arena started a new buffer: this line begins a run of its own
                joined = line;
            }
            lines = joined;
        }

        void send() {
            if (lines != null) {
                toEveryone(from, lines);
                lines = null;
            }
        }
    }

    private void reply(Connection to, Arena arena, String text) {
        loop.deliver(arena.text(text), to);
    }

    /** Speaking makes a client the last to fall silent. */
    private synchronized void heard(Connection from) {
        if (members.remove(from) != null) {
            members.put(from, System.nanoTime());
        }
    }

    /** Runs on the loop's thread, as it closes the connection: nothing may be sent or closed from here. */
    synchronized void onClose(Connection client) {
        members.remove(client);
        client.user.closed = true;
        String name = client.user.name; // set by the worker before it took this lock (logIn), so seen here
        if (name != null && online.remove(name, client)) {
            everyone = null;
            log.info("%s logged out", name);
        }
    }

    /**
     * Closes the clients that have sent nothing for the idle timeout. The loop calls this after
     * every pass, on its thread; it returns how long until the next client would be due
     * (Long.MAX_VALUE: never), and the loop sleeps no longer than that.
     *
     * <p>A client counts as silent only if the server has seen all it sent. One whose lines are
     * still with the pool, or whose reads the loop holds while the pool catches up, may well be
     * talking: the server has just not got to it. The timer counts it as heard now.
     */
    long onTimer(long now) {
        if (idleTimeoutNanos == 0) {
            return Long.MAX_VALUE;
        }
        synchronized (this) {
            List<Connection> heardNow = null; // made only if needed: this runs after every pass
            long next = Long.MAX_VALUE;
            for (Iterator<Map.Entry<Connection, Long>> it = members.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Connection, Long> silentLongest = it.next();
                long silentFor = now - silentLongest.getValue(); // a difference of nanoTimes, as its javadoc asks
                if (silentFor < idleTimeoutNanos) {
                    next = idleTimeoutNanos - silentFor;
                    break;
                }
                it.remove();
                if (silentLongest.getKey().hasUnseenInput()) { // on the loop's thread: it may ask
                    heardNow = heardNow == null ? new ArrayList<>() : heardNow;
                    heardNow.add(silentLongest.getKey());
                } else {
                    loop.deliver(idle, silentLongest.getKey());
                    loop.disconnect(silentLongest.getKey(), idleReason);
                }
            }
            if (heardNow != null) {
                for (Connection c : heardNow) {
                    members.put(c, now);
                }
                next = Math.min(next, idleTimeoutNanos);
            }
            return next;
        }
    }

    /** The server is stopping, and the workers have finished: every member is told, then closed. Runs on the loop's thread. */
    synchronized void onShutdown() {
        for (Connection member : members.keySet()) {
            loop.deliver(GOODBYE, member);
            loop.disconnect(member, "server shutting down");
        }
    }

    /** The name in these bytes, if it is one: 1 to MAX_NAME of a-z 0-9 _ -. Else null. */
    static String validName(ByteBuffer bytes) {
        if (!bytes.hasRemaining() || bytes.remaining() > MAX_NAME) {
            return null;
        }
        for (int i = bytes.position(); i < bytes.limit(); i++) {
            byte b = bytes.get(i);
            if (!(b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '_' || b == '-')) {
                return null;
            }
        }
        return UTF_8.decode(bytes.duplicate()).toString();
    }

    /** Word i of the line (words are separated by exactly one space): empty if the line has fewer. */
    static ByteBuffer word(ByteBuffer line, int i) {
        ByteBuffer rest = rest(line, i);
        if (rest == null) {
            return ByteBuffer.allocate(0);
        }
        int space = indexOf(rest, ' ');
        return space < 0 ? rest : rest.slice(0, space);
    }

    /** The line from word i on, spaces and all; null if it has no word i. */
    static ByteBuffer rest(ByteBuffer line, int i) {
        ByteBuffer rest = line.slice();
        for (int w = 0; w < i; w++) {
            int space = indexOf(rest, ' ');
            if (space < 0) {
                return null;
            }
            rest = rest.slice(space + 1, rest.remaining() - space - 1);
        }
        return rest;
    }

    private static int indexOf(ByteBuffer bytes, char c) {
        for (int i = 0; i < bytes.remaining(); i++) {
            if (bytes.get(bytes.position() + i) == c) {
                return i;
            }
        }
        return -1;
    }
}
