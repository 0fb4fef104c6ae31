package chatsrv;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The chat: what the server does with what its clients send, kept apart from the I/O of the
 * EventLoop and the Connection. It speaks the protocol of notes/protocol.md: users register or
 * log in, follow who is online (the Roster: a snapshot, then acknowledged changes), join
 * groups (Groups), and write to everyone, to one user by name or to a group. Each
 * connection's User says where it is (User.State has the table of which lines each state
 * takes). It decides; the loop carries
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
 * <p>One lock, this object's, guards everything users share: who is connected (members), who
 * is logged in and at which version of the roster, what each has been sent of it and has
 * acknowledged (Roster, User.roster), and who is in which group (Groups, User.groups).
 * Whoever holds it asks the loop for what it decided before letting go, so the loop's inbox
 * has the decisions in the order they were taken: a roster change reaches every queue in the
 * order of the versions, and after the snapshot of the login that made it. Nothing slow
 * happens under it: no hash, no disk, no waiting for the loop (which needs it at shutdown).
 * Why one lock, and not a thread of its own for the shared state or a lock per part: the
 * lesson's section "One lock", with its measurements.
 */
final class Chat implements Workers.Work {
    private static final Line WELCOME = Line.of("Welcome to chatsrv! REGISTER <name> <password> or LOGIN <name> <password>,"
            + " then MSG * <text>, MSG @<name> <text>, JOIN #<group> or MSG #<group> <text>.");
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
    /** Who is logged in, by name, at which version: one connection each. Guarded by this. */
    private final Roster roster;
    /** Who is in which group. Guarded by this. */
    private final Groups groups = new Groups();
    /** Where onClose, on the loop's thread, encodes what it tells others (the workers have arenas of their own). */
    private final Arena loopArena = new Arena();
    /** Set at shutdown: the users who leave then are not announced to the others, who are leaving too. Guarded by this. */
    private boolean stopping;

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
        this.roster = new Roster(log);
        // Loaded now, as EventLoop.loadClassesNow explains: a worker must not need a descriptor
        // to load a class while a flood of clients has taken them all.
        for (Class<?> c : List.of(User.class, User.State.class, Verb.class, Verdict.class, Outbox.class,
                Roster.Window.class, Groups.Group.class)) {
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
            logIn(from, user, verdict.name(), arena.text("OK " + verdict.verb() + " " + verdict.name()), arena);
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
            reply(from, arena, "ERR ? syntax unknown command; try REGISTER, LOGIN, MSG, JOIN, LEAVE, ROSTER, ACK, PING or QUIT");
            return;
        }
        if (verb == Verb.ACK) {
            // Not logged: as many as the roster changes, times the users online.
        } else if (verb == Verb.REGISTER || verb == Verb.LOGIN) {
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
        } else if (verb != Verb.REGISTER && verb != Verb.LOGIN && user.state != User.State.CHATTING) {
            reply(from, arena, "ERR " + verb + " not-logged-in log in first: LOGIN <name> <password>");
        } else if (verb == Verb.MSG) {
            message(from, user, line, arena, toEveryone);
        } else if (verb == Verb.ACK) {
            ack(from, user, line, arena);
        } else if (verb == Verb.ROSTER) {
            if (rest(line, 1) != null) {
                reply(from, arena, "ERR ROSTER syntax usage: ROSTER");
            } else {
                snapshot(from, user);
            }
        } else if (verb == Verb.JOIN) {
            join(from, user, line, arena);
        } else if (verb == Verb.LEAVE) {
            leave(from, user, line, arena);
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
    private void logIn(Connection from, User user, String name, Line ok, Arena arena) {
        user.name = name;
        user.toEveryone = ("FROM " + name + " * ").getBytes(UTF_8);
        user.state = User.State.CHATTING;
        synchronized (this) {
            if (user.closed) {
                return; // gone while its password was checked
            }
            Connection older = roster.get(name);
            if (older != null) {
                // The name stays online: the roster does not change, and nobody is told. The
                // older login's groups were its own: it leaves them now, not when it has closed,
                // so that the new login can join them again at once.
                roster.replace(name, from);
                leaveAll(older, arena);
                log.info("%s: logged in as %s, in place of %s", from, name, older);
                loop.deliver(ELSEWHERE, older);
                loop.disconnect(older, "logged in as " + name + " from " + from);
            } else {
                Connection[] told = roster.add(name, from);
                log.info("%s: logged in as %s (roster version %d)", from, name, roster.version());
                if (told.length > 0) {
                    loop.deliver(arena.text("ROSTER + " + roster.version() + " " + name), told);
                }
            }
            loop.deliver(ok, from);
            loop.deliver(roster.snapshot(user.roster), from);
        }
    }

    /** MSG * text, MSG @name text, MSG #group text. */
    private void message(Connection from, User user, ByteBuffer line, Arena arena, Outbox toEveryone) {
        ByteBuffer target = word(line, 1);
        ByteBuffer text = rest(line, 2);
        if (text == null || !text.hasRemaining() || !target.hasRemaining()) {
            toEveryone.send();
            reply(from, arena, MSG_USAGE);
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
            toGroup(from, user, validGroup(target), text, arena);
        } else {
            reply(from, arena, MSG_USAGE);
        }
    }

    private static final String MSG_USAGE = "ERR MSG syntax usage: MSG * <text> | MSG @<name> <text> | MSG #<group> <text>";

    private void toOne(Connection from, User user, String to, ByteBuffer text, Arena arena) {
        Line line = to == null ? null : arena.append(("FROM " + user.name + " @" + to + " ").getBytes(UTF_8), text);
        synchronized (this) {
            if (roster.get(user.name) != from) {
                return; // replaced by a newer login: this connection is closing
            }
            Connection recipient = to == null ? null : roster.get(to);
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
        if (roster.get(from.user.name) != from) {
            return; // replaced by a newer login: this connection is closing
        }
        loop.deliver(lines, roster.everyone());
    }

    /** Runs on the client's worker. MSG #group text: to the group's members, the sender among them, if it is one. */
    private void toGroup(Connection from, User user, String group, ByteBuffer text, Arena arena) {
        Line line = group == null ? null : arena.append(("FROM " + user.name + " " + group + " ").getBytes(UTF_8), text);
        synchronized (this) {
            if (group == null || !groups.isMember(group, from)) {
                loop.deliver(arena.text("ERR MSG not-member you are not in " + (group == null ? "that group" : group)
                        + "; JOIN it first"), from);
            } else {
                loop.deliver(line, groups.members(group));
            }
        }
    }

    /** Runs on the client's worker. ROSTER: a fresh snapshot, whatever this user was sent before. */
    private synchronized void snapshot(Connection from, User user) {
        loop.deliver(roster.snapshot(user.roster), from);
    }

    /**
     * Runs on the client's worker. ACK version: the user has applied the roster up to there; one
     * that was behind gets a fresh snapshot once it has acknowledged all.
     */
    private void ack(Connection from, User user, ByteBuffer line, Arena arena) {
        long version = number(rest(line, 1));
        if (version < 0) {
            reply(from, arena, "ERR ACK syntax usage: ACK <version>, the version a number");
            return;
        }
        synchronized (this) {
            Roster.Window w = user.roster;
            if (version > w.sent) {
                log.info("%s (%s): ACK %d of a version never sent (last sent: %d): nothing acknowledged", from, user.name, version, w.sent);
            } else if (roster.ack(w, version)) {
                log.info("%s (%s) has acknowledged all it was sent: a fresh snapshot at version %d", from, user.name, roster.version());
                loop.deliver(roster.snapshot(w), from);
            }
        }
    }

    /** Runs on the client's worker. JOIN #group: made at the first join; the members already in are told. */
    private void join(Connection from, User user, ByteBuffer line, Arena arena) {
        ByteBuffer word = rest(line, 1);
        if (word == null || !word.hasRemaining()) {
            reply(from, arena, "ERR JOIN syntax usage: JOIN #<group>");
            return;
        }
        String group = validGroup(word);
        if (group == null) {
            reply(from, arena, "ERR JOIN bad-name usage: JOIN #<group>, a group # and 1 to " + MAX_NAME + " of a-z 0-9 _ -");
            return;
        }
        synchronized (this) {
            if (user.closed || roster.get(user.name) != from) {
                return; // gone, or replaced by a newer login: it has left its groups, and must not join one again
            }
            if (!groups.isMember(group, from)) {
                Connection[] before = groups.members(group);
                if (!groups.join(group, from)) {
                    loop.deliver(arena.text("ERR JOIN too-many you are in " + Groups.MAX_PER_USER
                            + " groups already; LEAVE one first"), from);
                    return;
                }
                if (before.length > 0) {
                    loop.deliver(arena.text("GROUP + " + group + " " + user.name), before);
                }
            }
            loop.deliver(groups.okJoin(group), from);
        }
    }

    /** Runs on the client's worker. LEAVE #group: the members left are told; the last one out takes the group with it. */
    private void leave(Connection from, User user, ByteBuffer line, Arena arena) {
        ByteBuffer word = rest(line, 1);
        if (word == null || !word.hasRemaining()) {
            reply(from, arena, "ERR LEAVE syntax usage: LEAVE #<group>");
            return;
        }
        String group = validGroup(word);
        synchronized (this) {
            if (group == null || !groups.leave(group, from)) {
                loop.deliver(arena.text("ERR LEAVE not-member you are not in " + (group == null ? "that group" : group)), from);
                return;
            }
            Connection[] left = groups.members(group);
            if (left.length > 0) {
                loop.deliver(arena.text("GROUP - " + group + " " + user.name), left);
            }
            loop.deliver(arena.text("OK LEAVE " + group), from);
        }
    }

    /** A login that ends leaves each of its groups, and their members are told (unless the server is stopping). Under this lock. */
    private void leaveAll(Connection c, Arena arena) {
        for (String group : c.user.groups.toArray(new String[0])) {
            groups.leave(group, c);
            Connection[] left = stopping ? null : groups.members(group);
            if (left != null && left.length > 0) {
                loop.deliver(arena.text("GROUP - " + group + " " + c.user.name), left);
            }
        }
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

    /**
     * Runs on the loop's thread, as it closes the connection. What it tells the others goes
     * through the loop's inbox like a worker's, and out in the next pass.
     */
    synchronized void onClose(Connection client) {
        members.remove(client);
        client.user.closed = true;
        // Set by the worker before logIn takes this lock: seen here if logIn held it first. If
        // not, this may or may not see it, and either way nothing is online or in a group under
        // this connection, and logIn, coming after, sees closed.
        String name = client.user.name;
        if (name == null) {
            return;
        }
        leaveAll(client, loopArena);
        Connection[] told = roster.remove(name, client, !stopping);
        if (told != null) {
            log.info("%s logged out (roster version %d)", name, roster.version());
            if (told.length > 0) {
                loop.deliver(loopArena.text("ROSTER - " + roster.version() + " " + name), told);
            }
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
        stopping = true;
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

    /** The group in these bytes, if they are one: '#' and a name. Else null. */
    static String validGroup(ByteBuffer bytes) {
        if (!bytes.hasRemaining() || bytes.get(bytes.position()) != '#') {
            return null;
        }
        String name = validName(bytes.slice(bytes.position() + 1, bytes.remaining() - 1));
        return name == null ? null : "#" + name;
    }

    /** The decimal number in these bytes (up to 18 digits, so that it fits a long), or -1 if they are none. */
    static long number(ByteBuffer bytes) {
        if (bytes == null || !bytes.hasRemaining() || bytes.remaining() > 18) {
            return -1;
        }
        long n = 0;
        for (int i = bytes.position(); i < bytes.limit(); i++) {
            byte b = bytes.get(i);
            if (b < '0' || b > '9') {
                return -1;
            }
            n = n * 10 + (b - '0');
        }
        return n;
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
