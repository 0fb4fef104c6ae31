package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The output queue of a Connection, on real loopback sockets whose peers read only when the
 * test says so: the server side's send buffer fills up, and writes become partial.
 */
class ConnectionOutputTest {
    private final ByteBuffer[] batch = new ByteBuffer[Connection.WRITE_BATCH];
    private final List<Connection> toFlush = new ArrayList<>();
    private final List<SocketChannel> channels = new ArrayList<>();
    private Selector selector;

    /** A connection on the server side of a fresh loopback pair, and the peer that reads it. */
    private record Pair(Connection connection, SelectionKey key, SocketChannel peer) {
    }

    @BeforeEach
    void open() throws IOException {
        selector = Selector.open();
    }

    @AfterEach
    void close() throws IOException {
        for (SocketChannel c : channels) {
            c.close();
        }
        selector.close();
    }

    private Pair pair() throws IOException {
        SocketChannel peer;
        SocketChannel serverSide;
        try (ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            peer = SocketChannel.open(listener.getLocalAddress());
            serverSide = listener.accept();
        }
        channels.add(peer);
        channels.add(serverSide);
        serverSide.configureBlocking(false);
        peer.configureBlocking(false);
        SelectionKey key = serverSide.register(selector, SelectionKey.OP_READ);
        return new Pair(new Connection(key, "test", toFlush), key, peer);
    }

    /** Bytes that say where they are, so a gap or a repeat would show. */
    private static ByteBuffer pattern(int size) {
        ByteBuffer b = ByteBuffer.allocateDirect(size);
        for (int i = 0; i < size; i++) {
            b.put((byte) (i % 251));
        }
        return b.clear();
    }

    /** The peer reads, and the connection flushes, for as long as the condition holds. */
    private void drainWhile(Pair p, BooleanSupplier condition, ByteArrayOutputStream into) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(64 << 10);
        for (int rounds = 0; condition.getAsBoolean() && rounds < 100_000; rounds++) {
            chunk.clear();
            p.peer().read(chunk);
            into.write(chunk.array(), 0, chunk.position());
            p.connection().flush(batch);
        }
    }

    private void readAll(Pair p, int size, ByteArrayOutputStream into) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(64 << 10);
        for (int rounds = 0; into.size() < size && rounds < 100_000; rounds++) {
            chunk.clear();
            p.peer().read(chunk);
            into.write(chunk.array(), 0, chunk.position());
        }
    }

    @Test
    void aSharedBufferIsWrittenWholeToEveryQueueThatHoldsIt() throws IOException {
        Pair slow = pair();
        Pair fast = pair();
        ByteBuffer big = pattern(16 << 20);
        ByteBuffer tail = pattern(100);
        for (Pair p : List.of(slow, fast)) {
            p.connection().send(big);
            p.connection().send(tail);
        }

        slow.connection().flush(batch); // partial: 16 MiB (loopback buffers here take about 4) do not fit in the socket buffers
        assertThat(slow.connection().pendingBytes()).isPositive();
        ByteArrayOutputStream toFast = new ByteArrayOutputStream();
        drainWhile(fast, () -> fast.connection().pendingBytes() > 0, toFast);
        ByteArrayOutputStream toSlow = new ByteArrayOutputStream();
        drainWhile(slow, () -> slow.connection().pendingBytes() > 0, toSlow);
        readAll(fast, (16 << 20) + 100, toFast);
        readAll(slow, (16 << 20) + 100, toSlow);

        byte[] expected = new byte[(16 << 20) + 100];
        big.get(0, expected, 0, 16 << 20);
        tail.get(0, expected, 16 << 20, 100);
        assertThat(toFast.toByteArray()).isEqualTo(expected);
        assertThat(toSlow.toByteArray()).isEqualTo(expected);
        assertThat(big.position()).as("the shared buffer is left as it was found").isZero();
    }

    @Test
    void opWriteIsWantedExactlyWhileOutputIsPending() throws IOException {
        Pair p = pair();
        p.connection().send(pattern(16 << 20));

        p.connection().flush(batch);
        assertThat(p.connection().pendingBytes()).isPositive();
        assertThat(p.key().interestOps() & SelectionKey.OP_WRITE).isNotZero();

        drainWhile(p, () -> p.connection().pendingBytes() > 0, new ByteArrayOutputStream());
        assertThat(p.key().interestOps()).isEqualTo(SelectionKey.OP_READ);
    }

    @Test
    void readsPauseWhileTooMuchIsPendingAndResumeWhenItDrains() throws IOException {
        Pair p = pair();
        p.connection().send(pattern(16 << 20));

        p.connection().flush(batch);
        assertThat(p.connection().pendingBytes()).isGreaterThanOrEqualTo(Connection.MAX_PENDING);
        assertThat(p.connection().readsPaused()).isTrue();

        drainWhile(p, () -> p.connection().pendingBytes() >= Connection.MAX_PENDING, new ByteArrayOutputStream());
        assertThat(p.connection().readsPaused()).isFalse();
    }

    @Test
    void linesThatFollowEachOtherInOneBufferGrowOneViewAndGoOutInOrder() throws IOException {
        Pair p = pair();
        ByteBuffer arena = ByteBuffer.allocateDirect(1 << 20);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int i = 0; i < 10_000; i++) {
            byte[] line = ("message " + i + "\n").getBytes();
            expected.write(line);
            int start = arena.position();
            arena.put(line);
            p.connection().send(arena, start, arena.position());
        }
        assertThat(p.connection().queuedViews()).as("10,000 adjacent lines, one view").isEqualTo(1);

        ByteArrayOutputStream received = new ByteArrayOutputStream();
        drainWhile(p, () -> p.connection().pendingBytes() > 0, received);
        readAll(p, expected.size(), received);

        assertThat(received.toString()).isEqualTo(expected.toString());
        assertThat(toFlush).as("every send put the connection on the flush list once").containsExactly(p.connection());
    }

    @Test
    void aLineAfterAPartialWriteStillGoesOutWholeAndInOrder() throws IOException {
        Pair p = pair();
        ByteBuffer arena = pattern(32 << 20);
        p.connection().send(arena, 0, 16 << 20);
        p.connection().flush(batch); // partial: the view's position is now somewhere inside it
        assertThat(p.connection().pendingBytes()).isPositive();
        p.connection().send(arena, 16 << 20, 32 << 20); // grows the partly written view
        ByteBuffer other = pattern(100);
        p.connection().send(other);
        assertThat(p.connection().queuedViews()).isEqualTo(2);

        ByteArrayOutputStream received = new ByteArrayOutputStream();
        drainWhile(p, () -> p.connection().pendingBytes() > 0, received);
        readAll(p, (32 << 20) + 100, received);

        byte[] expected = new byte[(32 << 20) + 100];
        arena.get(0, expected, 0, 32 << 20);
        other.get(0, expected, 32 << 20, 100);
        assertThat(received.toByteArray()).isEqualTo(expected);
    }

    @Test
    void moreViewsThanOneGatheringWriteTakesAllGoOutInOrder() throws IOException {
        Pair p = pair();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int i = 0; i < 10 * Connection.WRITE_BATCH; i++) {
            byte[] line = ("message " + i + "\n").getBytes();
            expected.write(line);
            p.connection().send(ByteBuffer.wrap(line)); // separate buffers: a view each
        }
        assertThat(p.connection().queuedViews()).isEqualTo(10 * Connection.WRITE_BATCH);

        ByteArrayOutputStream received = new ByteArrayOutputStream();
        drainWhile(p, () -> p.connection().pendingBytes() > 0, received);
        readAll(p, expected.size(), received);

        assertThat(received.toString()).isEqualTo(expected.toString());
    }
}
