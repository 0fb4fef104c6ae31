package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Input is bytes: whatever a user writes after MSG *, the server passes on faithfully; what it
 * cannot take (a line over 1024 bytes, thousands of empty lines) it refuses or ignores, and
 * keeps serving.
 */
class BadInputTest extends ServerTest {
    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @Test
    void nulAndInvalidUtf8PassThroughUnchanged() throws Exception {
        try (Client sender = Client.registered(port, "sender"); Client receiver = Client.registered(port, "receiver")) {
            byte[] weird = bytes('a', 0, 'b', 0xff, 0xfe, 0xc3, '(', 0x1b, '[', '2', 'J');

            ByteArrayOutputStream line = new ByteArrayOutputStream();
            line.write("MSG * ".getBytes(StandardCharsets.US_ASCII));
            line.write(weird);
            line.write('\n');
            sender.send(line.toByteArray());

            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            expected.write("FROM sender * ".getBytes(StandardCharsets.US_ASCII));
            expected.write(weird);
            assertThat(receiver.readLineBytes()).isEqualTo(expected.toByteArray());
            assertThat(sender.readLineBytes()).isEqualTo(expected.toByteArray());
            // the log shows it escaped, so no client can break a log line or drive the operator's terminal
            assertThat(server.awaitLine("message from " + sender.address())).endsWith(": MSG * a\\x00b\uFFFD\uFFFD\uFFFD(\\x1b[2J");
        }
    }

    @Test
    void crlfEndsALineAndTheCarriageReturnIsDropped() throws Exception {
        try (Client sender = Client.registered(port, "sender"); Client receiver = Client.registered(port, "receiver")) {
            sender.send("MSG * from telnet\r\nMSG * mid\rline\n");

            assertThat(receiver.readLineBytes()).isEqualTo("FROM sender * from telnet".getBytes(StandardCharsets.US_ASCII));
            assertThat(receiver.readLineBytes()).isEqualTo("FROM sender * mid\rline".getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** Part I cut such a line into 1024-byte messages; step10 refuses it whole (notes/protocol.md, Lines). */
    @Test
    void aOneMegabyteLineIsRefusedWithOneErrAndNobodyGetsAnyOfIt() throws Exception {
        try (Client sender = Client.registered(port, "sender"); Client receiver = Client.registered(port, "receiver")) {
            // Every 1024-byte piece of it would be a MSG * of its own, were the line cut.
            sender.send(("MSG * " + "m".repeat(1018)).repeat(1024) + "\n");

            sender.expect("ERR MSG too-long the line is longer than 1024 bytes");
            sender.send("MSG * after\n");
            receiver.expect("FROM sender * after");
            sender.expect("FROM sender * after");
            // the log has each line in the order it was taken: nothing before 'after' means nothing at all
            server.awaitLine("message from " + sender.address() + ": MSG * after");
            assertThat(server.count("message from " + sender.address())).as("only 'after' was taken").isEqualTo(1);
        }
    }

    /** Part I passed each on as an empty message; step10 ignores an empty line, without an answer. */
    @Test
    void fiftyThousandEmptyLinesAreIgnored() throws Exception {
        try (Client sender = Client.registered(port, "sender"); Client receiver = Client.registered(port, "receiver")) {
            sender.send("\n".repeat(50_000) + "\r\n".repeat(50_000) + "MSG * after\n");

            receiver.expect("FROM sender * after");
            sender.expect("FROM sender * after");
            // the log has each line in the order it was taken: nothing before 'after' means nothing at all
            server.awaitLine("message from " + sender.address() + ": MSG * after");
            assertThat(server.count("message from " + sender.address())).isEqualTo(1);
        }
    }
}
