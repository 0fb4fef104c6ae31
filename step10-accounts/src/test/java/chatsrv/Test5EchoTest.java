package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Mirrors course Test5 (echo): every line comes back to its sender (as to everyone), in order, however it was cut. */
class Test5EchoTest extends ServerTest {

    @Test
    void linesSplitAcrossWritesComeBackInOrder() throws Exception {
        try (Client c = Client.connect(port)) {
            assertThat(c.readLine()).startsWith("Welcome");

            c.send("tes");
            c.send("t1\ntest2\ntest3\n");

            assertThat(c.readLine()).endsWith("test1");
            assertThat(c.readLine()).endsWith("test2");
            assertThat(c.readLine()).endsWith("test3");
        }
    }

    @Test
    void aThousandLinesInOneWriteAllComeBackInOrder() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            lines.add("line " + i);
        }
        try (Client c = Client.connect(port)) {
            c.readLine();
            c.send(String.join("\n", lines) + "\n");

            String sender = "127.0.0.1:" + c.localPort() + ": ";
            List<String> echoed = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                echoed.add(c.readLine());
            }
            assertThat(echoed).containsExactlyElementsOf(lines.stream().map(l -> sender + l).toList());
        }
    }
}
