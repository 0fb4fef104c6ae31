package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Input is bytes: whatever a client sends, the server delivers it faithfully and keeps serving. */
class BadInputTest extends ServerTest {
    @Override
    String[] serverArgs() {
        return new String[] {"--port", "0", "--no-prefix"};
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @Test
    void nulAndInvalidUtf8PassThroughUnchanged() throws Exception {
        try (Client sender = Client.connect(port); Client receiver = Client.connect(port)) {
            sender.readLine();
            receiver.readLine();
            byte[] weird = bytes('a', 0, 'b', 0xff, 0xfe, 0xc3, '(', 0x1b, '[', '2', 'J');

            ByteArrayOutputStream line = new ByteArrayOutputStream();
            line.write(weird);
            line.write('\n');
            sender.send(line.toByteArray());

            assertThat(receiver.readLineBytes()).isEqualTo(weird);
            // the log shows it escaped, so no client can break a log line or drive the operator's terminal
            assertThat(server.awaitLine("message from")).endsWith(": a\\x00b\uFFFD\uFFFD\uFFFD(\\x1b[2J");
        }
    }

    @Test
    void crlfEndsALineAndTheCarriageReturnIsDropped() throws Exception {
        try (Client sender = Client.connect(port); Client receiver = Client.connect(port)) {
            sender.readLine();
            receiver.readLine();

            sender.send("from telnet\r\nmid\rline\n");

            assertThat(receiver.readLineBytes()).isEqualTo("from telnet".getBytes(StandardCharsets.US_ASCII));
            assertThat(receiver.readLineBytes()).isEqualTo("mid\rline".getBytes(StandardCharsets.US_ASCII));
        }
    }

    @Test
    void aOneMegabyteLineArrivesAs1024ByteMessages() throws Exception {
        try (Client sender = Client.connect(port); Client receiver = Client.connect(port)) {
            sender.readLine();
            receiver.readLine();

            sender.send("m".repeat(1 << 20) + "\n");

            // The sender reads its own copies too: a client that stops reading stops being read.
            for (int i = 0; i < 1024; i++) {
                assertThat(receiver.readLine()).isEqualTo("m".repeat(1024));
                assertThat(sender.readLine()).isEqualTo("m".repeat(1024));
            }
            sender.send("after\n");
            assertThat(receiver.readLine()).isEqualTo("after");
        }
    }

    @Test
    void fiftyThousandEmptyLinesAreFiftyThousandEmptyMessages() throws Exception {
        try (Client sender = Client.connect(port); Client receiver = Client.connect(port)) {
            sender.readLine();
            receiver.readLine();

            sender.send("\n".repeat(50_000) + "after\n");

            for (int i = 0; i < 50_000; i++) {
                assertThat(receiver.readLine()).isEmpty();
                assertThat(sender.readLine()).isEmpty();
            }
            assertThat(receiver.readLine()).isEqualTo("after");
        }
    }
}
