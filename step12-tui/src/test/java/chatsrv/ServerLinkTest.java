package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client's network side, ServerLink, alone: no UI, no Session, and no real server but a
 * FakeServer that sends exactly the bytes a test chooses. It proves what the real server never
 * makes happen, so TuiTest cannot: a line cut in two by TCP (even inside a UTF-8 character)
 * arrives whole and once; "\r\n" ends a line as "\n" does; a line longer than the link's buffer
 * is cut and the lines after it still arrive; a connect that gets no answer ends after
 * CONNECT_TIMEOUT_MS; waiting is reported from the 2nd second, and back to 0 once the server
 * answers; an ACK, which gets no answer, is never taken for a line left unanswered.
 *
 * <p>The events are recorded as short strings ("lines [a, b]", "waiting 2", "closed why") in the
 * order the link's thread calls them.
 */
class ServerLinkTest {
    static final Duration WAIT = Duration.ofSeconds(15);

    final List<String> events = new CopyOnWriteArrayList<>();
    final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private ServerLink link(int port) throws IOException {
        ServerLink link = new ServerLink("127.0.0.1", port, new ServerLink.Events() {
            @Override
            public void connected() {
                events.add("connected");
            }

            @Override
            public void lines(List<String> lines) {
                events.add("lines " + lines);
            }

            @Override
            public void waiting(int seconds) {
                events.add("waiting " + seconds);
            }

            @Override
            public void closed(String why) {
                events.add("closed " + why);
            }
        });
        open.add(link::close);
        return link.start();
    }

    private FakeServer server() throws IOException {
        FakeServer server = new FakeServer();
        open.add(server);
        return server;
    }

    /** Waits until this event has been recorded. */
    private void awaitEvent(String event) {
        await().atMost(WAIT).until(() -> events.contains(event));
    }

    private List<String> lineEvents() {
        return events.stream().filter(e -> e.startsWith("lines ")).toList();
    }

    @Test
    void aLineCutInTwoByTcpArrivesWholeAndOnce() throws Exception {
        FakeServer server = server();
        link(server.port());
        server.accept();
        // One write: a whole line and the start of the next. Once the link has reported the
        // whole one, it has read the start of the next too (it arrived in the same segment),
        // and must keep it for the rest, which comes in a second write.
        server.write("PONG first\nFROM bob * hel");
        awaitEvent("lines [PONG first]");
        server.write("lo all\n");
        awaitEvent("lines [FROM bob * hello all]");
        assertThat(lineEvents()).containsExactly("lines [PONG first]", "lines [FROM bob * hello all]");
    }

    @Test
    void aCharacterCutInTwoByTcpIsDecodedWhole() throws Exception {
        // "é" is two bytes in UTF-8: a link that decoded each read on its own would show two
        // U+FFFD instead of it.
        FakeServer server = server();
        link(server.port());
        server.accept();
        byte[] line = "FROM bob * café crème\n".getBytes(StandardCharsets.UTF_8);
        int cut = "FROM bob * caf".length() + 1; // between the two bytes of "é"
        byte[] first = new byte[cut + "PONG\n".length()];
        System.arraycopy("PONG\n".getBytes(StandardCharsets.US_ASCII), 0, first, 0, 5);
        System.arraycopy(line, 0, first, 5, cut);
        server.write(first);
        awaitEvent("lines [PONG]");
        server.write(Arrays.copyOfRange(line, cut, line.length));
        awaitEvent("lines [FROM bob * café crème]");
    }

    @Test
    void crLfEndsALineAsLfDoes() throws Exception {
        // notes/protocol.md: a '\r' just before the '\n' is dropped. The real server sends "\n"
        // only, so only a server written otherwise (or a proxy) shows this.
        FakeServer server = server();
        link(server.port());
        server.accept();
        server.write("FROM bob * hi\r\nPONG\r\nFROM bob * a \r in the middle stays\n");
        awaitEvent("lines [FROM bob * hi, PONG, FROM bob * a \r in the middle stays]");
    }

    @Test
    void aLineLongerThanTheBufferIsCutAndTheLinesAfterItStillArrive() throws Exception {
        // A broken server sends more than MAX_LINE bytes with no '\n': the link must neither
        // grow without end nor stop reading (a full buffer with no line in it reads 0 bytes,
        // for ever).
        FakeServer server = server();
        link(server.port());
        server.accept();
        server.write("x".repeat(ServerLink.MAX_LINE + 1000) + "\nPONG after the long one\n");
        await().atMost(WAIT).until(() -> events.stream().anyMatch(e -> e.contains("PONG after the long one")));
        assertThat(events).noneMatch(e -> e.startsWith("closed"));
    }

    @Test
    void aConnectThatGetsNoAnswerEndsAfterTheTimeout() throws Exception {
        // A listener whose accept queue is full: Linux drops the SYNs of further connects
        // (it neither accepts nor refuses them), as a host behind a firewall that drops
        // packets does. Without a deadline of its own, the link would wait for the kernel's
        // SYN retries, about two minutes.
        ServerSocketChannel full = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0), 1);
        open.add(full);
        int port = ((InetSocketAddress) full.getLocalAddress()).getPort();
        fillAcceptQueue(port);
        long start = System.nanoTime();
        link(port);
        await().atMost(Duration.ofMillis(ServerLink.CONNECT_TIMEOUT_MS + 5_000))
                .until(() -> events.stream().anyMatch(e -> e.startsWith("closed")));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(events).containsExactly("closed no answer from 127.0.0.1:" + port + " in 5 s");
        assertThat(tookMs).isGreaterThanOrEqualTo(ServerLink.CONNECT_TIMEOUT_MS - 100);
    }

    /** Connects to the listener, without its accepting, until a connect is left hanging. */
    private void fillAcceptQueue(int port) throws IOException {
        // With a backlog of 1 the kernel queues two connections; one more than that is
        // checked to hang, so that the test does not depend on that number.
        await().atMost(WAIT).until(() -> {
            SocketChannel c = SocketChannel.open();
            open.add(c);
            c.configureBlocking(false);
            if (c.connect(new InetSocketAddress("127.0.0.1", port))) {
                return false;
            }
            try {
                await().atMost(Duration.ofMillis(500)).until(c::finishConnect);
                return false; // it was queued: the queue is not full yet
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                return true; // this connect hangs: the queue is full
            }
        });
    }

    @Test
    void waitingIsReportedEachSecondAndBackToZeroOnceTheServerAnswers() throws Exception {
        FakeServer server = server();
        ServerLink link = link(server.port());
        server.accept();
        awaitEvent("connected");
        link.send("PING late");
        server.expect("PING late");
        // Not at 1 s (a server may well take that long), then each second from the 2nd.
        awaitEvent("waiting 3");
        assertThat(events).containsExactly("connected", "waiting 2", "waiting 3");
        server.write("PONG late\n");
        // The UI puts its status line back on this 0: without it, "not answered" stays up.
        awaitEvent("lines [PONG late]");
        awaitEvent("waiting 0");
        assertThat(events.indexOf("waiting 0")).isLessThan(events.indexOf("lines [PONG late]"));
        // And nothing more is awaited: no report of a wait that is over.
        await().during(Duration.ofMillis(ServerLink.WAITING_AFTER_MS + 1_000)).atMost(WAIT)
                .until(() -> events.get(events.size() - 1).equals("lines [PONG late]"));
    }

    @Test
    void anAckIsNeverTakenForALineLeftUnanswered() throws Exception {
        // ACK gets no answer (notes/protocol.md), so a client that counted it would tell the
        // person the server is not answering after every roster change.
        FakeServer server = server();
        ServerLink link = link(server.port());
        server.accept();
        awaitEvent("connected");
        link.send("ACK 7");
        server.expect("ACK 7");
        await().during(Duration.ofMillis(ServerLink.WAITING_AFTER_MS + 1_000)).atMost(WAIT)
                .until(() -> events.equals(List.of("connected")));
    }

    @Test
    void finishSendsWhatIsQueuedThenCloses() throws Exception {
        FakeServer server = server();
        ServerLink link = link(server.port());
        server.accept();
        awaitEvent("connected");
        link.send("QUIT");
        link.finish();
        server.expect("QUIT");
        assertThat(server.readLine()).isNull(); // then the link closes its end
        awaitEvent("closed closed");
    }

    @Test
    void aServerThatClosesIsReportedOnceAndLast() throws Exception {
        FakeServer server = server();
        link(server.port());
        server.accept();
        server.write("BYE server shutting down\n");
        server.close();
        awaitEvent("closed the server closed the connection");
        assertThat(events).containsExactly("connected", "lines [BYE server shutting down]",
                "closed the server closed the connection");
    }
}
