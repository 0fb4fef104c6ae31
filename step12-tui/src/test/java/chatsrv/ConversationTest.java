package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.input.KeyType;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The conversation pane and the status line of the real ChatUi (on VirtualTui's virtual
 * terminal), against a FakeServer that logs "alice" in and then sends exactly what each test
 * needs: far more lines than the pane holds, a line wider than the pane, an answer that comes
 * late. It proves that the pane follows the newest line but leaves a person reading back
 * where they are; that it keeps the last ChatUi.HISTORY lines and no more; that a long line is
 * wrapped, not cut; and that the status line says the server is slow, and stops saying so once
 * it answers, but never for an ACK, which gets no answer.
 */
class ConversationTest {
    FakeServer server;
    VirtualTui alice;

    @BeforeEach
    void logIn() throws Exception {
        server = new FakeServer();
        alice = new VirtualTui(new ChatUi.Settings("127.0.0.1", server.port(), "alice", "pw"),
                new TerminalSize(100, 30));
        server.accept().logIn("alice");
        alice.await("alice (you)");
    }

    @AfterEach
    void close() throws Exception {
        alice.close();
        server.close();
    }

    /** n messages from bob, "bob: line 0000" to "bob: line n-1", in one write. */
    private void bobSays(int n) throws Exception {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < n; i++) {
            lines.append(String.format("FROM bob * line %04d%n", i));
        }
        server.write(lines.toString());
    }

    @Test
    void theConversationFollowsTheNewestLine() throws Exception {
        // Three screenfuls: a pane that stayed at its top would show line 0000 and never 0089.
        bobSays(90);
        String screen = alice.await("bob: line 0089");
        assertThat(screen).doesNotContain("bob: line 0000");
    }

    @Test
    void aPersonReadingBackIsLeftWhereTheyAre() throws Exception {
        bobSays(90);
        alice.await("bob: line 0089");
        // Tab: the list; Tab: the conversation. Home: its first line.
        alice.tab().tab().press(KeyType.Home);
        alice.await("logged in as alice");
        // A new line, and a roster change after it in the same read: once the list shows
        // carol, the new line has been added too.
        server.write("FROM bob * a new line\nROSTER + 2 carol\n");
        await().atMost(VirtualTui.WAIT).until(() -> alice.screen().contains("carol"));
        assertThat(alice.screen()).contains("logged in as alice").doesNotContain("a new line");
    }

    @Test
    void theHistoryKeepsTheLastLinesAndNoMore() throws Exception {
        // 100 more than the pane keeps: of the 2100 lines only 0100 to 2099 stay, so Home
        // (the pane's first line) shows 0100.
        bobSays(ChatUi.HISTORY + 100);
        alice.await("bob: line " + (ChatUi.HISTORY + 99));
        alice.tab().tab().press(KeyType.Home);
        String screen = alice.await("bob: line 0100");
        assertThat(screen).doesNotContain("logged in as alice", "bob: line 0099");
    }

    @Test
    void aLineWiderThanThePaneIsWrappedNotCut() throws Exception {
        String words = "word ".repeat(40) + "the-last-word";
        server.write("FROM bob * " + words + "\n");
        String screen = alice.await("the-last-word");
        assertThat(screen).contains("bob: word word");
    }

    @Test
    void theStatusLineSaysTheServerIsSlowUntilItAnswers() throws Exception {
        alice.say("hello");
        server.expect("MSG * hello");
        alice.await("The server has not answered for 2 s");
        server.write("FROM alice * hello\n");
        alice.await("you: hello");
        // Back to the steady status line: who, where, the keys.
        // (" | Tab", not just the name and the address: the login line has those too.)
        String screen = alice.await("alice on 127.0.0.1:" + server.port() + " | Tab");
        assertThat(screen).doesNotContain("has not answered");
    }

    @Test
    void anAckIsNotTakenForAQuestionLeftUnanswered() throws Exception {
        server.write("ROSTER + 2 bob\n");
        alice.await("bob is online");
        server.expect("ACK 2");
        // The server never answers an ACK: past WAITING_AFTER_MS, the status line still says
        // nothing of waiting.
        await().during(Duration.ofMillis(ServerLink.WAITING_AFTER_MS + 1_000)).atMost(VirtualTui.WAIT)
                .until(() -> !alice.screen().contains("has not answered"));
    }
}
