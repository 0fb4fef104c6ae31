package chatsrv;

import com.googlecode.lanterna.TerminalPosition;
import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.gui2.ActionListBox;
import com.googlecode.lanterna.gui2.BasicWindow;
import com.googlecode.lanterna.gui2.BorderLayout;
import com.googlecode.lanterna.gui2.Borders;
import com.googlecode.lanterna.gui2.Button;
import com.googlecode.lanterna.gui2.Direction;
import com.googlecode.lanterna.gui2.EmptySpace;
import com.googlecode.lanterna.gui2.GridLayout;
import com.googlecode.lanterna.gui2.Label;
import com.googlecode.lanterna.gui2.LinearLayout;
import com.googlecode.lanterna.gui2.MultiWindowTextGUI;
import com.googlecode.lanterna.gui2.Panel;
import com.googlecode.lanterna.gui2.TextBox;
import com.googlecode.lanterna.gui2.TextGUIThread;
import com.googlecode.lanterna.gui2.Window;
import com.googlecode.lanterna.gui2.WindowListenerAdapter;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import com.googlecode.lanterna.screen.Screen;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The terminal client's screen: a form to log in or register, then the chat (the conversation,
 * the participant list, the input line and a status line), all in one full-screen Lanterna
 * window whose content is switched from the one to the other.
 *
 * <p>Threads: everything here runs on Lanterna's GUI thread, the thread that calls
 * {@link #run}: it reads the keyboard, calls the components' handlers and redraws. The
 * network's thread (ServerLink's) never touches a component: its events are handed over with
 * {@code invokeLater}, which queues them for the GUI thread to run between two keystrokes.
 */
final class ChatUi implements Session.View {
    /** The command line's choices. The password may be null: the form asks for it. */
    record Settings(String host, int port, String user, String password) { }

    /** The conversation keeps this many lines; older ones scroll away for good. */
    static final int HISTORY = 2_000;
    /** The participant list's width, borders not counted. */
    static final int LIST_WIDTH = 24;
    /** How often the GUI thread looks for keys when idle: a key waits at most this long. */
    static final long KEY_POLL_MS = 20;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm");

    private final Screen screen;
    private final Settings settings;
    private MultiWindowTextGUI gui;
    private volatile Thread guiThread;
    private final BasicWindow window = new BasicWindow("chat");

    // Before login: the menu and its form.
    private final EnterBox name = new EnterBox(new TerminalSize(32, 1));
    private final EnterBox password = new EnterBox(new TerminalSize(32, 1));
    private final Label formStatus = new Label("");
    private final Panel loginPanel = new Panel(new GridLayout(2));

    // After login.
    private final TextBox conversation = new TextBox(new TerminalSize(40, 5), TextBox.Style.MULTI_LINE);
    private final ActionListBox participants = new ActionListBox(new TerminalSize(LIST_WIDTH, 5));
    private final Label prompt = new Label("");
    private final EnterBox input = new EnterBox(new TerminalSize(40, 1));
    private final Label status = new Label("");
    private final Panel chatPanel = new Panel(new BorderLayout());

    private ServerLink link;
    private Session session;
    /** The credentials to send once the connection is up; null when none are waiting. */
    private String[] pending;
    private boolean register;
    /** The last login sent, for /reconnect. */
    private String[] credentials;
    /** The groups of the last session, joined again after a reconnect (groups belong to a login). */
    private final Set<String> rejoinGroups = new TreeSet<>();
    /** Where each entry of the participant list sends, row by row: "*", "@name" or "#group". */
    private final List<String> entries = new ArrayList<>();
    /** Where the next line goes: "*", "@name" or "#group". */
    private String target = "*";
    private String bye;
    private boolean quitting;
    /** The status line as it is when the server keeps up. */
    private String steadyStatus = "";

    ChatUi(Screen screen, Settings settings) {
        this.screen = screen;
        this.settings = settings;
    }

    /**
     * Shows the UI and returns when the user quits. The calling thread becomes the GUI thread.
     * The screen is started here and stopped before returning, whatever happens, so the
     * terminal is given back as it was found.
     */
    void run() throws IOException {
        screen.startScreen();
        try {
            gui = new MultiWindowTextGUI(screen);
            guiThread = Thread.currentThread();
            // A failure in the UI's code ends the client (the terminal given back first, by
            // the finally below) instead of a stack trace printed over the screen.
            gui.getGUIThread().setExceptionHandler(new TextGUIThread.ExceptionHandler() {
                @Override
                public boolean onIOException(IOException e) {
                    throw new UncheckedIOException(e);
                }

                @Override
                public boolean onRuntimeException(RuntimeException e) {
                    throw e;
                }
            });
            window.setHints(List.of(Window.Hint.FULL_SCREEN, Window.Hint.NO_DECORATIONS));
            window.addWindowListener(new WindowListenerAdapter() {
                @Override
                public void onInput(Window w, KeyStroke key, AtomicBoolean deliverEvent) {
                    // Ctrl-C reaches us as a key (the terminal is in raw mode): leave cleanly.
                    if (key.isCtrlDown() && key.getKeyType() == KeyType.Character
                            && Character.toLowerCase(key.getCharacter()) == 'c') {
                        deliverEvent.set(false);
                        quit();
                    } else if (key.getKeyType() == KeyType.Character && !key.isCtrlDown() && !key.isAltDown()
                            && (conversation.isFocused() || participants.isFocused())) {
                        // Typing while the list or the conversation has the focus: the text
                        // belongs on the input line, not lost on a component that ignores it.
                        deliverEvent.set(false);
                        window.setFocusedInteractable(input);
                        input.handleKeyStroke(key);
                    }
                }
            });
            buildLoginPanel();
            buildChatPanel();
            window.setComponent(loginPanel);
            if (settings.user() != null) {
                name.setText(settings.user());
                window.setFocusedInteractable(password);
            }
            if (settings.password() != null) {
                password.setText(settings.password());
                if (settings.user() != null) {
                    submit(false);
                } else {
                    window.setFocusedInteractable(name);
                }
            }
            gui.addWindow(window);
            loop();
        } finally {
            if (link != null) {
                link.close();
            }
            screen.stopScreen();
        }
    }

    /**
     * The GUI thread's loop, until the window closes: keys read, tasks run, the screen redrawn.
     * Lanterna's own (addWindowAndWait) sleeps 1 ms when there is nothing to do, a thousand
     * wakeups a second for an idle client. This one sleeps KEY_POLL_MS, since keys can only be
     * polled for (the terminal is read with available(), never blocked on), but the link's
     * events do not wait for the end of that sleep: HandOver unparks this thread as it hands
     * one over.
     */
    private void loop() throws IOException {
        while (window.getTextGUI() != null) {
            boolean busy;
            try {
                busy = gui.getGUIThread().processEventsAndUpdate();
            } catch (EOFException e) {
                return; // the terminal is gone (its input closed)
            }
            if (!busy) {
                LockSupport.parkNanos(KEY_POLL_MS * 1_000_000L);
            }
        }
    }

    private void buildLoginPanel() {
        loginPanel.addComponent(new Label("chat on " + settings.host() + ":" + settings.port()),
                GridLayout.createHorizontallyFilledLayoutData(2));
        loginPanel.addComponent(new EmptySpace(), GridLayout.createHorizontallyFilledLayoutData(2));
        loginPanel.addComponent(new Label("Name"));
        loginPanel.addComponent(name);
        loginPanel.addComponent(new Label("Password"));
        loginPanel.addComponent(password);
        password.setMask('*');
        name.onEnter = () -> window.setFocusedInteractable(password);
        password.onEnter = () -> submit(false);
        loginPanel.addComponent(new EmptySpace(), GridLayout.createHorizontallyFilledLayoutData(2));
        Panel menu = new Panel(new LinearLayout(Direction.HORIZONTAL));
        menu.addComponent(new Button("Log in", () -> submit(false)));
        menu.addComponent(new Button("Register", () -> submit(true)));
        menu.addComponent(new Button("Exit", this::quit));
        loginPanel.addComponent(menu, GridLayout.createHorizontallyFilledLayoutData(2));
        loginPanel.addComponent(new EmptySpace(), GridLayout.createHorizontallyFilledLayoutData(2));
        loginPanel.addComponent(formStatus, GridLayout.createHorizontallyFilledLayoutData(2));
        formStatus.setText("Log in, or register a new name (1 to 32 of a-z 0-9 _ -). Ctrl-C quits.");
    }

    private void buildChatPanel() {
        conversation.setReadOnly(true);
        Panel line = new Panel(new BorderLayout());
        line.addComponent(prompt, BorderLayout.Location.LEFT);
        line.addComponent(input, BorderLayout.Location.CENTER);
        Panel bottom = new Panel(new BorderLayout());
        bottom.addComponent(line, BorderLayout.Location.CENTER);
        bottom.addComponent(status, BorderLayout.Location.BOTTOM);
        // Added in the order Tab visits them: input line, list, conversation, input line...
        chatPanel.addComponent(bottom, BorderLayout.Location.BOTTOM);
        chatPanel.addComponent(participants.withBorder(Borders.singleLine("send to")),
                BorderLayout.Location.RIGHT);
        chatPanel.addComponent(conversation.withBorder(Borders.singleLine("conversation")),
                BorderLayout.Location.CENTER);
        input.onEnter = () -> {
            String text = input.getText();
            input.setText("");
            typed(text);
        };
        setTarget("*");
    }

    /** Log in (or register) with what the form holds: now if connected, else once connected. */
    private void submit(boolean register) {
        String n = name.getText().trim();
        String p = password.getText();
        if (n.isEmpty() || p.isEmpty()) {
            formStatus.setText("Type a name and a password first.");
            window.setFocusedInteractable(n.isEmpty() ? name : password);
            return;
        }
        this.register = register;
        pending = new String[] {n, p};
        if (link == null) {
            formStatus.setText("Connecting to " + settings.host() + ":" + settings.port() + " ...");
            connect();
        } else if (session != null) {
            sendPending();
        }
    }

    private void sendPending() {
        if (pending != null) {
            formStatus.setText((register ? "Registering " : "Logging in as ") + pending[0] + " ...");
            credentials = pending;
            session.logIn(pending[0], pending[1], register);
            pending = null;
        }
    }

    /** A new connection, with a new session: the roster and the groups are per connection. */
    private void connect() {
        bye = null;
        try {
            HandOver events = new HandOver();
            events.mine = new ServerLink(settings.host(), settings.port(), events);
            link = events.mine;
            session = null;
            link.start();
        } catch (IOException e) {
            disconnected("could not open a selector: " + e.getMessage());
        }
    }

    /**
     * Carries one link's events to the GUI thread. Each checks that its link is still the
     * current one: after a reconnect, what the old link says late is dropped.
     */
    private final class HandOver implements ServerLink.Events {
        private ServerLink mine;

        private void later(Runnable r) {
            gui.getGUIThread().invokeLater(() -> {
                if (link == mine) {
                    r.run();
                }
            });
            LockSupport.unpark(guiThread); // now, not at the GUI loop's next poll of the keys
        }

        @Override
        public void connected() {
            later(() -> {
                session = new Session(ChatUi.this, mine::send);
                sendPending();
            });
        }

        @Override
        public void lines(List<String> lines) {
            later(() -> session.heard(lines));
        }

        @Override
        public void waiting(int seconds) {
            later(() -> {
                String waiting = "The server has not answered for " + seconds + " s ... (Ctrl-C to leave)";
                if (window.getComponent() == chatPanel) {
                    status.setText(seconds == 0 ? steadyStatus : waiting);
                } else if (seconds > 0) {
                    formStatus.setText(waiting);
                }
            });
        }

        @Override
        public void closed(String why) {
            later(() -> disconnected(bye != null ? "the server said: " + bye : why));
        }
    }

    private void disconnected(String why) {
        boolean wasChatting = session != null && session.loggedIn();
        link = null;
        session = null;
        if (quitting) {
            window.close();
            return;
        }
        if (wasChatting || window.getComponent() == chatPanel) {
            show("! disconnected: " + why);
            participants.clearItems();
            entries.clear();
            steadyStatus = "Disconnected. /reconnect to log in again, /quit or Ctrl-C to leave.";
            status.setText(steadyStatus);
        } else {
            formStatus.setText("Disconnected: " + why + (why.endsWith("?") ? "" : ".") + " Log in to connect again.");
        }
    }

    @Override
    public void loggedIn(String me) {
        Set<String> rejoin = new TreeSet<>(rejoinGroups);
        window.setComponent(chatPanel);
        show("* logged in as " + me + " on " + settings.host() + ":" + settings.port()
                + ". Enter sends to the chosen entry; Tab moves to the list. /help lists the commands.");
        steadyStatus = me + " on " + settings.host() + ":" + settings.port()
                + " | Tab: the list | /help: the commands | Ctrl-C quits";
        status.setText(steadyStatus);
        window.setFocusedInteractable(input);
        for (String group : rejoin) {
            session.typed("/join " + group, target);
        }
        participantsChanged();
    }

    @Override
    public void refused(String why) {
        formStatus.setText(why.substring(0, 1).toUpperCase() + why.substring(1) + ".");
        // The form stays as it was, the caret at the end of the password: Backspace corrects
        // it, or Tab Tab reaches Register for a name that has no account yet.
        password.setCaretPosition(password.getText().length());
        window.setFocusedInteractable(password);
    }

    @Override
    public void bye(String why) {
        bye = why;
    }

    @Override
    public void show(String line) {
        // The pane's width from the terminal's, as the layout will make it: the pane itself may not
        // have been laid out yet (the first lines come before the first draw after login).
        int width = Math.max(20, screen.getTerminalSize().getColumns() - LIST_WIDTH - 6);
        String text = LocalTime.now().format(CLOCK) + " " + line;
        while (!text.isEmpty()) {
            int cut = Math.min(width, text.length());
            int space = text.lastIndexOf(' ', cut);
            if (cut < text.length() && space > width / 2) {
                cut = space + 1; // between words, when there is a space in the second half
            }
            append(text.substring(0, cut).stripTrailing());
            text = text.length() > cut ? "      " + text.substring(cut) : "";
        }
        if (!conversation.isFocused()) {
            // Follow the newest line, unless the person has moved into the pane to read back.
            // The view, not the caret: a text box scrolls to its caret only while focused. The
            // renderer brings a row past the end back to the last screenful.
            ((TextBox.DefaultTextBoxRenderer) conversation.getRenderer())
                    .setViewTopLeft(new TerminalPosition(0, conversation.getLineCount()));
        }
    }

    private void append(String line) {
        if (conversation.getLineCount() == 1 && conversation.getLine(0).isEmpty()) {
            conversation.setText(line);
        } else {
            conversation.addLine(line);
        }
        while (conversation.getLineCount() > HISTORY) {
            conversation.removeLine(0);
        }
    }

    @Override
    public void participantsChanged() {
        if (session == null) {
            return;
        }
        rejoinGroups.clear();
        rejoinGroups.addAll(session.groups().keySet());
        // The highlight stays on the same entry, not at the same row: someone coming online
        // above it must not move a person's choice onto somebody else.
        int row = participants.getSelectedIndex();
        String selected = row >= 0 && row < entries.size() ? entries.get(row) : "*";
        participants.clearItems();
        entries.clear();
        entry("everyone", "*");
        for (Map.Entry<String, Set<String>> group : session.groups().entrySet()) {
            entry(group.getKey() + " (" + group.getValue().size() + ")", group.getKey());
        }
        for (String user : session.online()) {
            entry(user.equals(session.me()) ? user + " (you)" : user, "@" + user);
        }
        participants.setSelectedIndex(entries.contains(selected)
                ? entries.indexOf(selected) : Math.min(Math.max(row, 0), entries.size() - 1));
    }

    /** One entry of the list: its label, and where a line goes when it is chosen. */
    private void entry(String label, String to) {
        participants.addItem(label, () -> choose(to));
        entries.add(to);
    }

    private void choose(String to) {
        setTarget(to);
        window.setFocusedInteractable(input);
    }

    private void setTarget(String to) {
        target = to;
        prompt.setText("to " + (to.equals("*") ? "everyone" : to.startsWith("@") ? to.substring(1) : to) + " > ");
    }

    private void typed(String text) {
        String command = text.trim();
        if (command.equals("/quit")) {
            quit();
        } else if (command.equals("/reconnect")) {
            if (link != null) {
                show("! already connected");
            } else if (credentials != null) {
                show("* connecting to " + settings.host() + ":" + settings.port() + " ...");
                register = false;
                pending = credentials;
                connect();
            }
        } else if (session == null || !session.loggedIn()) {
            show("! not connected: /reconnect, or /quit");
        } else if (!session.typed(text, target)) {
            show("! no such command: " + command.split("\\s+")[0] + "; the commands: " + Session.COMMANDS);
        } else if (target.equals(Session.groupLeft(command, target))) {
            // Compared whole: "/leave #myteam" does not leave #team.
            setTarget("*");
        }
    }

    /** Says QUIT if connected, then closes the window once the link is done (at once if not connected). */
    private void quit() {
        quitting = true;
        if (link == null || session == null) {
            // Not connected yet (perhaps still looking the host up): nothing to say QUIT to.
            if (link != null) {
                link.close();
            }
            window.close();
        } else {
            link.send("QUIT");
            link.finish();
        }
    }

    /** A one-line text box that does something on Enter. */
    private static final class EnterBox extends TextBox {
        Runnable onEnter = () -> { };

        EnterBox(TerminalSize size) {
            super(size);
        }

        @Override
        public synchronized Result handleKeyStroke(KeyStroke key) {
            if (key.getKeyType() == KeyType.Enter) {
                onEnter.run();
                return Result.HANDLED;
            }
            return super.handleKeyStroke(key);
        }
    }
}
