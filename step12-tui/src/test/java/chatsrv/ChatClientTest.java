package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The chat client, with stdin from a pipe: it sends what is typed and prints what the server says. */
class ChatClientTest extends ServerTest {
    @Test
    void theClientSendsTypedLinesAndPrintsWhatOthersSay() throws Exception {
        try (Client bob = Client.registered(port, "bob");
                ServerProcess chat = ServerProcess.startMain("chatsrv.ChatClient", "--port", Integer.toString(port))) {
            chat.awaitLine("Welcome");
            chat.typeLine("REGISTER carol " + Client.passwordOf("carol"));
            assertThat(chat.awaitLine("OK REGISTER")).isEqualTo("OK REGISTER carol");

            bob.send("MSG * hello chat\n");
            assertThat(chat.awaitLine("hello chat")).isEqualTo("FROM bob * hello chat");

            chat.typeLine("MSG * hello bob");
            bob.expect("FROM bob * hello chat");
            bob.expect("FROM carol * hello bob");

            // End of input right after a line: the client half-closes (FIN) instead of closing,
            // so the server's copy of that line, which comes back after the FIN, is still printed;
            // the client exits when the server closes.
            chat.typeLine("MSG * last words");
            chat.closeStdin();
            bob.expect("FROM carol * last words");
            assertThat(chat.awaitExit()).isZero();
            assertThat(chat.lines()).last().asString().isEqualTo("FROM carol * last words");
            server.awaitLine("closed by peer");
            server.awaitLine("carol logged out");
        }
    }

    @Test
    void noServerGetsOneClearLineAndExitCode1() throws Exception {
        server.close();
        try (ServerProcess chat = ServerProcess.startMain("chatsrv.ChatClient", "--port", Integer.toString(port))) {
            assertThat(chat.awaitExit()).isEqualTo(1);
            assertThat(chat.errorLines()).singleElement().asString()
                    .startsWith("chat: cannot connect to 127.0.0.1:" + port).contains("./chatsrv");
        }
    }

    @Test
    void inATerminalControlBytesFromOthersAreShownAsQuestionMarks() {
        ByteBuffer received = ByteBuffer.wrap("a\u001b[2J\rb\tc\u007fd\n".getBytes(StandardCharsets.US_ASCII));
        received.position(received.capacity()); // as after a read: the bytes are [0, position)

        ChatClient.disarm(received);

        assertThat(new String(received.array(), StandardCharsets.US_ASCII)).isEqualTo("a?[2J?b\tc?d\n");
    }
}
