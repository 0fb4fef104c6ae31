package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Mirrors course Test5 (echo): every line comes back to its sender, in order, however it was
 * cut. In step10: pipelined commands are answered in order, each by its own answer (a FROM
 * receipt, a PONG, an ERR), however the lines were cut and however many came in one write;
 * and lines sent while a password is being checked wait for it, then are answered in order.
 */
class Test5EchoTest extends ServerTest {

    @Test
    void linesSplitAcrossWritesComeBackInOrder() throws Exception {
        try (Client alice = Client.registered(port, "alice")) {
            alice.send("PI");
            alice.send("NG test1\nMSG * test2\nPING test3\n");

            alice.expect("PONG test1");
            alice.expect("FROM alice * test2");
            alice.expect("PONG test3");
        }
    }

    @Test
    void aThousandLinesInOneWriteAllComeBackInOrder() throws Exception {
        List<String> lines = new ArrayList<>();
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            // Runs of messages to everyone, broken by lines with other answers: each answer in its place.
            switch (i % 7) {
                case 3 -> {
                    lines.add("PING t" + i);
                    answers.add("PONG t" + i);
                }
                case 5 -> {
                    lines.add("MSG @nobody line " + i);
                    answers.add("ERR MSG offline nobody is not online");
                }
                case 6 -> {
                    lines.add("MSG @alice line " + i);
                    answers.add("FROM alice @alice line " + i);
                }
                default -> {
                    lines.add("MSG * line " + i);
                    answers.add("FROM alice * line " + i);
                }
            }
        }
        try (Client alice = Client.registered(port, "alice")) {
            alice.send(String.join("\n", lines) + "\n");

            List<String> echoed = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                echoed.add(alice.readLine());
            }
            assertThat(echoed).containsExactlyElementsOf(answers);
        }
    }

    @Test
    void linesSentWithARegisterInOneWriteAreAnsweredAfterItInOrder() throws Exception {
        try (Client alice = Client.welcomed(port)) {
            alice.send("REGISTER alice " + Client.passwordOf("alice") + "\nMSG * first words\nPING after\nREGISTER alice again\n");

            alice.expect("OK REGISTER alice");
            alice.expect("FROM alice * first words"); // taken as alice's: logged in by then
            alice.expect("PONG after");
            alice.expect("ERR REGISTER already-logged-in you are logged in as alice");
        }
    }
}
