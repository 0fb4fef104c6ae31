package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The output queue of one Connection, on a real loopback socket whose peer reads only when the
 * test says so: the server side's send buffer fills up, and writes become partial.
 */
class ConnectionOutputTest {
    private Selector selector;
    private SocketChannel serverSide;
    private SocketChannel peer;
    private SelectionKey key;
    private Connection connection;

    @BeforeEach
    void connect() throws IOException {
        selector = Selector.open();
        try (ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            peer = SocketChannel.open(listener.getLocalAddress());
            serverSide = listener.accept();
        }
        serverSide.configureBlocking(false);
        peer.configureBlocking(false);
        key = serverSide.register(selector, SelectionKey.OP_READ);
        connection = new Connection(key, "test");
    }

    @AfterEach
    void close() throws IOException {
        peer.close();
        serverSide.close();
        selector.close();
    }

    /** 16 MiB of bytes that say where they are, so a gap or a repeat would show. */
    private static byte[] pattern() {
        byte[] b = new byte[16 << 20];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i % 251);
        }
        return b;
    }

    @Test
    void partialWritesResumeWhereTheyStopped() throws IOException {
        byte[] big = pattern();
        connection.send(ByteBuffer.wrap(big));
        connection.send(StandardCharsets.US_ASCII.encode("tail\n"));

        connection.flush();
        assertThat(connection.hasPendingOutput()).as("16 MiB (loopback buffers here take about 4) do not fit in the socket buffers").isTrue();

        ByteArrayOutputStream received = new ByteArrayOutputStream();
        ByteBuffer chunk = ByteBuffer.allocate(64 << 10);
        for (int rounds = 0; connection.hasPendingOutput() && rounds < 100_000; rounds++) {
            chunk.clear();
            peer.read(chunk);
            received.write(chunk.array(), 0, chunk.position());
            connection.flush();
        }
        while (received.size() < big.length + 5) {
            chunk.clear();
            peer.read(chunk);
            received.write(chunk.array(), 0, chunk.position());
        }

        byte[] expected = new byte[big.length + 5];
        System.arraycopy(big, 0, expected, 0, big.length);
        System.arraycopy("tail\n".getBytes(StandardCharsets.US_ASCII), 0, expected, big.length, 5);
        assertThat(received.toByteArray()).isEqualTo(expected);
    }

    @Test
    void opWriteIsWantedExactlyWhileOutputIsPending() throws IOException {
        serverSide.setOption(StandardSocketOptions.SO_SNDBUF, 4096);
        connection.send(ByteBuffer.wrap(pattern()));

        connection.flush();
        assertThat(connection.hasPendingOutput()).isTrue();
        assertThat(key.interestOps()).isEqualTo(SelectionKey.OP_READ | SelectionKey.OP_WRITE);

        ByteBuffer chunk = ByteBuffer.allocate(64 << 10);
        for (int rounds = 0; connection.hasPendingOutput() && rounds < 100_000; rounds++) {
            chunk.clear();
            peer.read(chunk);
            connection.flush();
        }
        assertThat(connection.hasPendingOutput()).isFalse();
        assertThat(key.interestOps()).isEqualTo(SelectionKey.OP_READ);
    }
}
