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
 * The output queue of a Connection, on real loopback sockets whose peers read only when the
 * test says so: the server side's send buffer fills up, and writes become partial.
 */
class ConnectionOutputTest {
    /** However slow the machine, draining 32 MiB over loopback takes far less than this. */
    private static final long DRAIN_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(20);

    private final ByteBuffer[] batch = new ByteBuffer[Connection.WRITE_BATCH];
    private final List<Connection> endOfPass = new ArrayList<>();
    private final List<AutoCloseable> opened = new ArrayList<>();
    private Selector selector;

    /** A connection on the server side of a fresh loopback pair, and the peer that reads it, with a selector of its own. */
    private record Pair(Connection connection, SelectionKey key, SocketChannel peer, Selector peerSelector) {
    }

    @BeforeEach
    void open() throws IOException {
        selector = Selector.open();
        opened.add(selector);
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    private Pair pair() throws IOException {
        SocketChannel peer;
        SocketChannel serverSide;
        try (ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            peer = SocketChannel.open(listener.getLocalAddress());
            serverSide = listener.accept();
        }
        serverSide.configureBlocking(false);
        peer.configureBlocking(false);
        Selector peerSelector = Selector.open();
        peer.register(peerSelector, SelectionKey.OP_READ);
        opened.addAll(List.of(peer, serverSide, peerSelector));
        SelectionKey key = serverSide.register(selector, SelectionKey.OP_READ);
        return new Pair(new Connection(key, "test", 0, endOfPass), key, peer, peerSelector);
    }

    /** Bytes that say where they are, so a gap or a repeat would show. */
    private static ByteBuffer pattern(int size) {
        ByteBuffer b = ByteBuffer.allocateDirect(size);
        for (int i = 0; i < size; i++) {
            b.put((byte) (i % 251));
        }
        return b.clear();
    }

    private static Line whole(ByteBuffer bytes) {
        return new Line(bytes, 0, bytes.capacity());
    }

    /**
     * While the condition holds: the peer waits (up to 100 ms at a time) for bytes and reads
     * them, and the connection writes what its socket takes. Fails if the condition still holds
     * after DRAIN_LIMIT_NANOS: a bound in time, not in rounds, so a slow loopback only waits longer.
     */
    private void drainWhile(Pair p, BooleanSupplier condition, ByteArrayOutputStream into) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(64 << 10);
        long deadline = System.nanoTime() + DRAIN_LIMIT_NANOS;
        while (condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("still draining after 20 s").isNegative();
            if (p.peerSelector().select(100) > 0) {
                p.peerSelector().selectedKeys().clear();
                chunk.clear();
                p.peer().read(chunk);
                into.write(chunk.array(), 0, chunk.position());
            }
            p.connection().flush(batch);
        }
    }

    @Test
    void aSharedBufferIsWrittenWholeToEveryQueueThatHoldsIt() throws IOException {
        Pair slow = pair();
        Pair fast = pair();
        ByteBuffer big = pattern(16 << 20);
        ByteBuffer tail = pattern(100);
        for (Pair p : List.of(slow, fast)) {
            p.connection().send(whole(big));
            p.connection().send(whole(tail));
        }
        int size = (16 << 20) + 100;

        slow.connection().flush(batch); // partial: 16 MiB (loopback buffers here take about 4) do not fit in the socket buffers
        assertThat(slow.connection().pendingBytes()).isPositive();
        ByteArrayOutputStream toFast = new ByteArrayOutputStream();
        drainWhile(fast, () -> toFast.size() < size, toFast);
        ByteArrayOutputStream toSlow = new ByteArrayOutputStream();
        drainWhile(slow, () -> toSlow.size() < size, toSlow);

        byte[] expected = new byte[size];
        big.get(0, expected, 0, 16 << 20);
        tail.get(0, expected, 16 << 20, 100);
        assertThat(toFast.toByteArray()).isEqualTo(expected);
        assertThat(toSlow.toByteArray()).isEqualTo(expected);
        assertThat(big.position()).as("the shared buffer is left as it was found").isZero();
    }

    @Test
    void opWriteIsWantedExactlyWhileOutputIsPending() throws IOException {
        Pair p = pair();
        p.connection().send(whole(pattern(16 << 20)));

        p.connection().flush(batch);
        assertThat(p.connection().hasPendingOutput()).isTrue();
        assertThat(p.key().interestOps() & SelectionKey.OP_WRITE).isNotZero();

        drainWhile(p, p.connection()::hasPendingOutput, new ByteArrayOutputStream());
        assertThat(p.key().interestOps()).isEqualTo(SelectionKey.OP_READ);
    }

    @Test
    void readsPauseWhileTooMuchIsPendingAndResumeWhenItDrains() throws IOException {
        Pair p = pair();
        p.connection().send(whole(pattern(16 << 20)));

        p.connection().flush(batch);
        assertThat(p.connection().pendingBytes()).isGreaterThanOrEqualTo(Connection.PAUSE_READS_AT);
        assertThat(p.connection().readsPaused()).isTrue();

        drainWhile(p, () -> p.connection().pendingBytes() >= Connection.PAUSE_READS_AT, new ByteArrayOutputStream());
        assertThat(p.connection().readsPaused()).isFalse();
    }

    @Test
    void linesThatFollowEachOtherInOneBufferGrowOneViewAndGoOutInOrder() throws IOException {
        Pair p = pair();
        ByteBuffer arena = ByteBuffer.allocateDirect(1 << 20);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int i = 0; i < 10_000; i++) {
            byte[] line = ("message " + i + "\n").getBytes(StandardCharsets.US_ASCII);
            expected.write(line);
            int start = arena.position();
            arena.put(line);
            p.connection().send(new Line(arena, start, arena.position()));
        }
        assertThat(p.connection().queuedViews()).as("10,000 adjacent lines, one view").isEqualTo(1);

        ByteArrayOutputStream received = new ByteArrayOutputStream();
        drainWhile(p, () -> received.size() < expected.size(), received);

        assertThat(received.toString(StandardCharsets.US_ASCII)).isEqualTo(expected.toString(StandardCharsets.US_ASCII));
        assertThat(endOfPass).as("every send put the connection on the end-of-pass list once").containsExactly(p.connection());
    }

    @Test
    void aLineAfterAPartialWriteStillGoesOutWholeAndInOrder() throws IOException {
        Pair p = pair();
        ByteBuffer arena = pattern(32 << 20);
        p.connection().send(new Line(arena, 0, 16 << 20));
        p.connection().flush(batch); // partial: the view's position is now somewhere inside it
        assertThat(p.connection().pendingBytes()).isPositive();
        p.connection().send(new Line(arena, 16 << 20, 32 << 20)); // grows the partly written view
        ByteBuffer other = pattern(100);
        p.connection().send(whole(other));
        assertThat(p.connection().queuedViews()).isEqualTo(2);

        ByteArrayOutputStream received = new ByteArrayOutputStream();
        drainWhile(p, () -> received.size() < (32 << 20) + 100, received);

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
            byte[] line = ("message " + i + "\n").getBytes(StandardCharsets.US_ASCII);
            expected.write(line);
            p.connection().send(whole(ByteBuffer.wrap(line))); // separate buffers: a view each
        }
        assertThat(p.connection().queuedViews()).isEqualTo(10 * Connection.WRITE_BATCH);

        ByteArrayOutputStream received = new ByteArrayOutputStream();
        drainWhile(p, () -> received.size() < expected.size(), received);

        assertThat(received.toString(StandardCharsets.US_ASCII)).isEqualTo(expected.toString(StandardCharsets.US_ASCII));
        assertThat(p.connection().pendingBytes()).isZero();
    }

    @Test
    void sendAndCloseOnlyPutTheConnectionOnTheEndOfPassListOnce() throws IOException {
        Pair p = pair();
        p.connection().send(Line.of("one"));
        p.connection().send(Line.of("two"));
        p.connection().close("asked to");
        p.connection().close("asked again");

        assertThat(endOfPass).containsExactly(p.connection());
        assertThat(p.connection().closeReason()).as("the first reason stays").isEqualTo("asked to");
        assertThat(p.key().channel().isOpen()).as("closing is the loop's job, at the end of the pass").isTrue();
    }

    @Test
    void aSocketThatFailedIsOwedNothingMore() throws IOException {
        Pair p = pair();
        p.peer().setOption(StandardSocketOptions.SO_LINGER, 0);
        p.peer().close(); // RST: a write to the other end now fails
        p.peerSelector().selectNow(); // a registered channel is really closed at its selector's next select
        IOException failed = null;
        long deadline = System.nanoTime() + DRAIN_LIMIT_NANOS;
        while (failed == null) {
            assertThat(System.nanoTime() - deadline).as("no write failed within 20 s").isNegative();
            p.connection().send(whole(ByteBuffer.wrap(new byte[1024])));
            try {
                p.connection().flush(batch);
            } catch (IOException e) {
                failed = e;
            }
        }
        assertThat(p.connection().hasPendingOutput()).as("nothing is left to try again").isFalse();
        assertThat(p.connection().pendingBytes()).isZero();
    }
}
