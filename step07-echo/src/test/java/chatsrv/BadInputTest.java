package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/** Input is bytes: whatever a client sends comes back to it unchanged, and the server keeps serving. */
class BadInputTest extends ServerTest {
    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @Test
    void nulAndInvalidUtf8ComeBackUnchanged() throws Exception {
        try (Client c = Client.connect(port)) {
            c.readLine();
            byte[] weird = bytes('a', 0, 'b', 0xff, 0xfe, 0xc3, '(', 0x1b, '[', '2', 'J');

            ByteArrayOutputStream line = new ByteArrayOutputStream();
            line.write(weird);
            line.write('\n');
            c.send(line.toByteArray());

            assertThat(c.readLineBytes()).isEqualTo(weird);
            // the log shows it escaped (LogTest), so no client can break a log line or drive the operator's terminal
            assertThat(server.awaitLine("message from")).endsWith(": a\\x00b\uFFFD\uFFFD\uFFFD(\\x1b[2J");
        }
    }

    @Test
    void aOneMegabyteLineComesBackAs1024ByteLines() throws Exception {
        try (Client c = Client.connect(port)) {
            c.readLine();

            c.send("m".repeat(1 << 20) + "\n");

            for (int i = 0; i < 1024; i++) {
                assertThat(c.readLine()).isEqualTo("m".repeat(1024));
            }
            c.send("after\n");
            assertThat(c.readLine()).isEqualTo("after");
        }
    }

    @Test
    void fiftyThousandEmptyLinesAreFiftyThousandEmptyAnswers() throws Exception {
        try (Client c = Client.connect(port)) {
            c.readLine();

            c.send("\n".repeat(50_000) + "after\n");

            for (int i = 0; i < 50_000; i++) {
                assertThat(c.readLine()).isEmpty();
            }
            assertThat(c.readLine()).isEqualTo("after");
        }
    }
}
