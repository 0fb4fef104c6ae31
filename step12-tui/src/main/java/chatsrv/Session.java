package chatsrv;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * One connection's worth of what the client knows, kept from the server's lines: who it is
 * logged in as, who is online (the roster, at its version), the groups it is in and their
 * members. It turns each line from the server into what the person should see, and what they
 * type into lines for the server. No I/O and no terminal: ChatUi gives it the server's lines
 * and shows what it says, and SessionTest drives it with plain strings.
 *
 * <p>UI thread only: every call comes from ChatUi on Lanterna's GUI thread, so nothing here is
 * shared.
 *
 * <p>The roster is kept as notes/protocol.md says: a snapshot (BEGIN, USER..., END), then each
 * change with the next version, each acknowledged once it is applied. A change that skips a
 * version cannot be applied safely (the set would be missing a change), so the session asks
 * for a fresh snapshot instead.
 */
final class Session {
    /** What the session tells the UI. Called on the UI thread, from inside {@link #heard} and {@link #typed}. */
    interface View {
        /** A line for the conversation pane. */
        void show(String line);

        /** The roster or the groups changed: redraw the participant list. */
        void participantsChanged();

        /** OK LOGIN or OK REGISTER: logged in as this name. */
        void loggedIn(String name);

        /** ERR LOGIN or ERR REGISTER: the server's words, for the form. */
        void refused(String why);

        /** BYE: the server's words; the connection is about to close. */
        void bye(String why);
    }

    /** Shown for /help, and when a command is unknown. */
    static final String COMMANDS = "/join #group  /leave #group  /roster  /quit  /reconnect  /help";

    private final View view;
    private final Consumer<String> toServer;
    private String me;
    /** Who is online, by name, at {@link #version}; empty until the first snapshot. */
    private final NavigableSet<String> online = new TreeSet<>();
    private long version = -1;
    /** A snapshot or a change was applied and not acknowledged yet. */
    private boolean ackDue;
    /** The snapshot being read, between ROSTER BEGIN and ROSTER END. */
    private List<String> snapshot;
    private boolean snapshotAsked;
    /** The groups this login is in, by name ("#team"), each with its members in the order they joined. */
    private final Map<String, Set<String>> groups = new TreeMap<>();

    Session(View view, Consumer<String> toServer) {
        this.view = view;
        this.toServer = toServer;
    }

    String me() {
        return me;
    }

    boolean loggedIn() {
        return me != null;
    }

    NavigableSet<String> online() {
        return Collections.unmodifiableNavigableSet(online);
    }

    long version() {
        return version;
    }

    /** The groups this login is in, in name order, with their members. */
    Map<String, Set<String>> groups() {
        return Collections.unmodifiableMap(groups);
    }

    /** Sends LOGIN (or REGISTER) with this name and password; the password goes nowhere else. */
    void logIn(String name, String password, boolean register) {
        toServer.accept((register ? "REGISTER " : "LOGIN ") + name + " " + password);
    }

    /** The lines of one read from the server, in order; then one ACK for all the roster lines among them. */
    void heard(List<String> lines) {
        for (String line : lines) {
            heard(line);
        }
        if (ackDue && snapshot == null) {
            // A snapshot counts too, even at a version already acknowledged: the server holds
            // it as one line unacknowledged until it is.
            ackDue = false;
            toServer.accept("ACK " + version);
        }
    }

    private void heard(String line) {
        String[] w = line.split(" ", 4);
        switch (w[0]) {
            case "FROM" -> {
                if (w.length == 4) {
                    view.show(message(w[1], w[2], w[3]));
                } else {
                    view.show("? " + line);
                }
            }
            case "ROSTER" -> roster(line, w);
            case "GROUP" -> group(line, w);
            case "OK" -> ok(line, w);
            case "ERR" -> err(line, w);
            case "BYE" -> view.bye(line.length() > 4 ? line.substring(4) : "(no reason given)");
            case "PONG" -> { }
            case "Welcome" -> { }
            default -> view.show("? " + line);
        }
    }

    /** How a message looks in the conversation: the sender, marked "you" when it is this user, and where it went. */
    String message(String from, String to, String text) {
        String sender = from.equals(me) ? "you" : from;
        if (to.equals("*")) {
            return sender + ": " + text;
        }
        if (to.startsWith("@")) {
            String recipient = to.substring(1).equals(me) ? "you" : to.substring(1);
            return sender + " → " + recipient + " (direct): " + text;
        }
        return "[" + to + "] " + sender + ": " + text;
    }

    private void roster(String line, String[] w) {
        String[] r = line.split(" ");
        try {
            switch (r[1]) {
                case "BEGIN" -> snapshot = new ArrayList<>();
                case "USER" -> {
                    if (snapshot != null) {
                        snapshot.add(r[2]);
                    }
                }
                case "END" -> {
                    if (snapshot != null) {
                        online.clear();
                        online.addAll(snapshot);
                        version = Long.parseLong(r[2]);
                        snapshot = null;
                        snapshotAsked = false;
                        ackDue = true;
                        view.participantsChanged();
                    }
                }
                case "+", "-" -> change(r[1].equals("+"), Long.parseLong(r[2]), r[3]);
                default -> view.show("? " + line);
            }
        } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
            view.show("? " + line);
        }
    }

    private void change(boolean online, long v, String name) {
        if (version < 0 || v <= version) {
            return; // before our first snapshot, or already in it
        }
        if (v != version + 1) {
            // A version skipped: applying this one would leave the set wrong for good.
            if (!snapshotAsked) {
                snapshotAsked = true;
                toServer.accept("ROSTER");
            }
            return;
        }
        version = v;
        ackDue = true;
        if (online) {
            this.online.add(name);
            view.show("* " + name + " is online");
        } else {
            this.online.remove(name);
            view.show("* " + name + " went offline");
        }
        view.participantsChanged();
    }

    private void group(String line, String[] w) {
        if (w.length != 4 || !groups.containsKey(w[2])) {
            view.show("? " + line);
            return;
        }
        Set<String> members = groups.get(w[2]);
        if (w[1].equals("+")) {
            members.add(w[3]);
            view.show("* " + w[3] + " joined " + w[2]);
        } else {
            members.remove(w[3]);
            view.show("* " + w[3] + " left " + w[2]);
        }
        view.participantsChanged();
    }

    private void ok(String line, String[] w) {
        String verb = w.length > 1 ? w[1] : "";
        switch (verb) {
            case "LOGIN", "REGISTER" -> {
                me = w.length > 2 ? w[2] : "?";
                view.loggedIn(me);
            }
            case "JOIN" -> {
                String[] r = line.split(" ");
                if (r.length < 3) {
                    view.show("? " + line); // no group: not from a server that keeps the protocol
                    return;
                }
                Set<String> members = new LinkedHashSet<>(List.of(r).subList(3, r.length));
                groups.put(r[2], members);
                members.remove(me);
                view.show("* you are in " + r[2] + (members.isEmpty()
                        ? ", alone so far" : " with " + String.join(", ", members)));
                members.add(me);
                view.participantsChanged();
            }
            case "LEAVE" -> {
                if (w.length < 3) {
                    view.show("? " + line);
                    return;
                }
                groups.remove(w[2]);
                view.show("* you left " + w[2]);
                view.participantsChanged();
            }
            default -> view.show(line);
        }
    }

    private void err(String line, String[] w) {
        // ERR <VERB> <reason> <text>: the text is written for a person.
        String text = w.length == 4 ? w[3] : line;
        if (w.length > 1 && (w[1].equals("LOGIN") || w[1].equals("REGISTER"))) {
            view.refused(text);
        } else {
            view.show("! " + text);
        }
    }

    /**
     * What the person typed on the input line, with the entry chosen in the participant list
     * ({@code to}: "*", "@name" or "#group"). /join, /leave and /roster become their verbs,
     * anything else not starting with '/' a message. Returns false for a command it does not
     * know (the UI's own, such as /quit, are taken before this).
     */
    boolean typed(String text, String to) {
        if (text.isBlank()) {
            return true;
        }
        if (!text.startsWith("/")) {
            toServer.accept("MSG " + to + " " + text);
            return true;
        }
        String[] w = text.trim().split("\\s+");
        switch (w[0]) {
            case "/join" -> toServer.accept("JOIN " + (w.length > 1 ? hash(w[1]) : ""));
            case "/leave" -> {
                String group = groupLeft(text, to);
                toServer.accept("LEAVE " + (group == null ? "" : group));
            }
            case "/roster" -> toServer.accept("ROSTER");
            case "/help" -> view.show("* commands: " + COMMANDS + "; anything else goes to the chosen entry");
            default -> {
                return false;
            }
        }
        return true;
    }

    /**
     * The group a /leave line leaves: the one it names ("/leave team" or "/leave #team"), else
     * the chosen entry ({@code to}) if that is a group. Null for any other line, or when it
     * names none. The UI asks too, to know whether the chosen group is the one left.
     */
    static String groupLeft(String text, String to) {
        String[] w = text.trim().split("\\s+");
        if (!w[0].equals("/leave")) {
            return null;
        }
        if (w.length > 1) {
            return hash(w[1]);
        }
        return to.startsWith("#") ? to : null;
    }

    /** "team" and "#team" both name the group #team. */
    private static String hash(String group) {
        return group.startsWith("#") ? group : "#" + group;
    }
}
