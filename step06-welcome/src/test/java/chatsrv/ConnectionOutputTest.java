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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The output queue of one Connection, on a real loopback socket whose peer reads only when the
 * test says so: the server side's send buffer fills up, and writes become partial.
 */
class ConnectionOutputTest {
    /** However slow the machine, draining 16 MiB over loopback takes far less than this. */
    private static final long DRAIN_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(20);

    private final List<Connection> endOfPass = new ArrayList<>();
    private Selector selector;
    private Selector peerSelector;
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
        connection = new Connection(key, "test", endOfPass);
        peerSelector = Selector.open();
        peer.register(peerSelector, SelectionKey.OP_READ);
    }

    @AfterEach
    void close() throws IOException {
        peer.close();
        serverSide.close();
        selector.close();
        peerSelector.close();
    }

    /** 16 MiB of bytes that say where they are, so a gap or a repeat would show. */
    private static byte[] pattern() {
        byte[] b = new byte[16 << 20];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i % 251);
        }
        return b;
    }

    /**
     * While the condition holds: the peer waits (up to 100 ms at a time) for bytes and reads
     * them, and the connection writes what its socket takes. Fails if the condition still holds
     * after DRAIN_LIMIT_NANOS: a bound in time, not in rounds, so a slow loopback only waits longer.
     */
    private void drainWhile(BooleanSupplier condition, ByteArrayOutputStream into) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(64 << 10);
        long deadline = System.nanoTime() + DRAIN_LIMIT_NANOS;
        while (condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("still draining after 20 s").isNegative();
            if (peerSelector.select(100) > 0) {
                peerSelector.selectedKeys().clear();
                chunk.clear();
                peer.read(chunk);
                into.write(chunk.array(), 0, chunk.position());
            }
            connection.flush();
        }
    }

    @Test
    void partialWritesResumeWhereTheyStopped() throws IOException {
        byte[] big = pattern();
        connection.send(ByteBuffer.wrap(big));
        connection.send(StandardCharsets.US_ASCII.encode("tail\n"));

        connection.flush();
        assertThat(connection.hasPendingOutput()).as("16 MiB (loopback buffers here take about 4) do not fit in the socket buffers").isTrue();

        ByteArrayOutputStream received = new ByteArrayOutputStream();
        drainWhile(() -> received.size() < big.length + 5, received);

        byte[] expected = new byte[big.length + 5];
        System.arraycopy(big, 0, expected, 0, big.length);
        System.arraycopy("tail\n".getBytes(StandardCharsets.US_ASCII), 0, expected, big.length, 5);
        assertThat(received.toByteArray()).isEqualTo(expected);
    }

    @Test
    void opWriteIsWantedExactlyWhileOutputIsPending() throws IOException {
        connection.send(ByteBuffer.wrap(pattern()));

        connection.flush();
        assertThat(connection.hasPendingOutput()).isTrue();
        assertThat(key.interestOps()).isEqualTo(SelectionKey.OP_READ | SelectionKey.OP_WRITE);

        drainWhile(connection::hasPendingOutput, new ByteArrayOutputStream());
        assertThat(key.interestOps()).isEqualTo(SelectionKey.OP_READ);
    }

    @Test
    void sendAndCloseOnlyPutTheConnectionOnTheEndOfPassListOnce() {
        connection.send(StandardCharsets.US_ASCII.encode("one\n"));
        connection.send(StandardCharsets.US_ASCII.encode("two\n"));
        connection.close("asked to");
        connection.close("asked again");

        assertThat(endOfPass).containsExactly(connection);
        assertThat(connection.closeReason()).as("the first reason stays").isEqualTo("asked to");
        assertThat(serverSide.isOpen()).as("closing is the loop's job, at the end of the pass").isTrue();
    }

    @Test
    void aSocketThatFailedIsOwedNothingMore() throws IOException {
        peer.setOption(StandardSocketOptions.SO_LINGER, 0);
        peer.close(); // RST: a write to the other end now fails
        peerSelector.selectNow(); // a registered channel is really closed at its selector's next select
        IOException failed = null;
        long deadline = System.nanoTime() + DRAIN_LIMIT_NANOS;
        while (failed == null) {
            assertThat(System.nanoTime() - deadline).as("no write failed within 20 s").isNegative();
            connection.send(ByteBuffer.wrap(new byte[1024]));
            try {
                connection.flush();
            } catch (IOException e) {
                failed = e;
            }
        }
        assertThat(connection.hasPendingOutput()).as("nothing is left to try again").isFalse();
    }
}
