package chatsrv;


import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.TextCharacter;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.Terminal;
import com.googlecode.lanterna.terminal.virtual.DefaultVirtualTerminal;
import com.googlecode.lanterna.terminal.virtual.VirtualTerminalListener;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The real client UI (ChatUi) on a Lanterna virtual terminal instead of a real one: keystrokes
 * go in with {@link #type} and {@link #press}, and what a person would see comes out as text
 * with {@link #screen}. The UI runs on its own thread, which becomes its GUI thread as main
 * does in the real client.
 */
final class VirtualTui implements AutoCloseable {
    /** Long enough for a login (a hash, and an fsync for a registration) on a busy machine. */
    static final Duration WAIT = Duration.ofSeconds(15);

    final DefaultVirtualTerminal terminal;
    private final Thread thread;
    private volatile Throwable failure;
    /** The text of the last frame the UI finished drawing; empty before the first. */
    private volatile String frame = "";
    /** The list entry the last frame drew in colours of its own: where the list's selection is. */
    private volatile String highlighted;

    VirtualTui(int port, String user, String password) {
        this(new ChatUi.Settings("127.0.0.1", port, user, password), new TerminalSize(100, 30));
    }

    VirtualTui(ChatUi.Settings settings, TerminalSize size) {
        terminal = new DefaultVirtualTerminal(size);
        // A frame is read when Lanterna flushes it, on the GUI thread, after it has drawn all
        // of it. Read cell by cell from the test's thread instead, the screen could be caught
        // half drawn: "alice (you)" in the list already, the prompt under it not yet.
        terminal.addVirtualTerminalListener(new VirtualTerminalListener() {
            @Override
            public void onFlush() {
                frame = text();
                highlighted = highlight(frame);
            }

            @Override
            public void onBell() {
            }

            @Override
            public void onClose() {
            }

            @Override
            public void onResized(Terminal t, TerminalSize newSize) {
            }
        });
        thread = new Thread(() -> {
            try {
                new ChatUi(new TerminalScreen(terminal), settings).run();
            } catch (Throwable t) {
                failure = t;
            }
        }, "tui-" + settings.user());
        thread.start();
    }

    /** The terminal's visible text as of the last whole frame drawn, row by row, each row's trailing blanks cut. */
    String screen() {
        return frame;
    }

    /**
     * The entry of the participant list drawn unlike all the others (the selection's colours),
     * or null if there is no single one. From the GUI thread, in onFlush, as the frame's text.
     */
    private String highlight(String text) {
        String[] rows = text.split("\n");
        Map<String, List<String>> byLook = new LinkedHashMap<>();
        for (int row = 0; row < rows.length; row++) {
            int left = rows[row].lastIndexOf("││");
            if (left < 0 || !rows[row].endsWith("│")) {
                continue;
            }
            String item = rows[row].substring(left + 2, rows[row].length() - 1).strip();
            if (!item.isEmpty()) {
                TextCharacter cell = terminal.getCharacter(left + 2, row);
                String look = cell.getBackgroundColor() + " " + cell.getForegroundColor() + " " + cell.getModifiers();
                byLook.computeIfAbsent(look, k -> new ArrayList<>()).add(item);
            }
        }
        List<List<String>> single = byLook.values().stream().filter(items -> items.size() == 1).toList();
        return single.size() == 1 ? single.get(0).get(0) : null;
    }

    /** Waits until the participant list is exactly {@code items}, top to bottom. */
    void awaitList(String... items) {
        try {
            Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(20))
                    .until(() -> list().equals(List.of(items)));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the list never was " + List.of(items) + "; the screen:\n" + screen());
        }
    }

    /** Waits until the list's selection is on {@code item}. */
    void awaitHighlighted(String item) {
        try {
            Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(20))
                    .until(() -> item.equals(highlighted));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the list's selection never was on " + item + " (it is on " + highlighted
                    + "); the screen:\n" + screen());
        }
    }

    /** The terminal's text now (the GUI thread's, in onFlush). */
    private String text() {
        TerminalSize size = terminal.getTerminalSize();
        StringBuilder text = new StringBuilder();
        for (int row = 0; row < size.getRows(); row++) {
            StringBuilder line = new StringBuilder();
            for (int column = 0; column < size.getColumns(); column++) {
                line.append(terminal.getCharacter(column, row).getCharacterString());
            }
            text.append(line.toString().stripTrailing()).append('\n');
        }
        return text.toString();
    }

    /**
     * The entries of the participant list ("send to"), top to bottom: on each row of the chat
     * screen, the text between the conversation's right border and the list's.
     */
    List<String> list() {
        List<String> items = new ArrayList<>();
        for (String row : screen().split("\n")) {
            int left = row.lastIndexOf("││");
            if (left >= 0 && row.endsWith("│")) {
                String item = row.substring(left + 2, row.length() - 1).strip();
                if (!item.isEmpty()) {
                    items.add(item);
                }
            }
        }
        return items;
    }

    /** Waits until the screen shows {@code text}; returns the screen. */
    String await(String text) {
        try {
            Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(20))
                    .failFast("the UI thread failed", () -> failure != null)
                    .until(() -> screen().contains(text));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the screen never showed \"" + text + "\" in " + WAIT.toSeconds()
                    + " s; it shows:\n" + screen());
        }
        return screen();
    }

    /** Waits until the screen shows {@code text} {@code times} times. */
    void awaitTimes(String text, int times) {
        try {
            Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(20))
                    .until(() -> screen().split(java.util.regex.Pattern.quote(text), -1).length - 1 == times);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the screen never showed \"" + text + "\" " + times + " times in "
                    + WAIT.toSeconds() + " s; it shows:\n" + screen());
        }
    }

    /** Types each character as a key. */
    VirtualTui type(String text) {
        for (char c : text.toCharArray()) {
            terminal.addInput(new KeyStroke(c, false, false));
        }
        return this;
    }

    VirtualTui press(KeyType key) {
        terminal.addInput(new KeyStroke(key));
        return this;
    }

    VirtualTui enter() {
        return press(KeyType.Enter);
    }

    VirtualTui tab() {
        return press(KeyType.Tab);
    }

    VirtualTui ctrlC() {
        terminal.addInput(new KeyStroke('c', true, false));
        return this;
    }

    /** Types a line on the input line and sends it. */
    VirtualTui say(String line) {
        return type(line).enter();
    }

    /** Waits for run() to return, as it does when the person quits. */
    void awaitEnd() throws InterruptedException {
        thread.join(WAIT.toMillis());
        if (thread.isAlive()) {
            throw new AssertionError("the UI did not end; its screen:\n" + screen());
        }
        if (failure != null) {
            throw new AssertionError("the UI failed", failure);
        }
    }

    boolean running() {
        return thread.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (thread.isAlive()) {
            ctrlC();
            thread.join(WAIT.toMillis());
        }
    }
}
