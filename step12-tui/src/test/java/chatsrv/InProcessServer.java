package chatsrv;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The server's own classes wired as Main wires them, on a thread of the test's JVM, with its
 * log kept in memory: for the tests that need to change what a worker does (make it slow, make
 * it throw), which a server in a process of its own cannot let them do. Everything else about
 * it is the real server: its real loop, pool, chat and log, on a real port.
 */
final class InProcessServer implements AutoCloseable {
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final ServerSocketChannel listener;
    private final EventLoop loop;
    private final Workers workers;
    private final Hashers hashers;
    private final Accounts accounts;
    private final Thread thread;
    private volatile Throwable failure;

    /**
     * A server with these options whose workers do {@code work(chat)} instead of what the chat
     * does; its accounts start empty, and live in memory (the cipher and file are never used
     * unless a REGISTER comes, and then they go to {@code options.users()}).
     */
    InProcessServer(Options options, Function<Chat, Workers.Work> work) throws IOException {
        listener = Main.listen(0);
        Log log = new Log(new PrintStream(new LineCollector(lines), false, StandardCharsets.UTF_8));
        loop = new EventLoop(listener, log, options);
        accounts = new Accounts(options.users(), new AesGcmCipher(), new byte[32], List.of(), log);
        hashers = new Hashers(options.threads());
        Chat chat = new Chat(options, log, loop, accounts, new Passwords(options.hashIterations()), hashers);
        workers = new Workers(options.threads(), work.apply(chat), loop, log);
        workers.start();
        thread = new Thread(() -> {
            try {
                loop.run(chat, workers);
            } catch (Throwable t) {
                failure = t;
            }
        }, "event-loop");
        thread.start();
    }

    /**
     * Options for a test's server: its user file in {@code dir} (a test's @TempDir), passwords
     * hashed with ServerTest.TEST_ITERATIONS, then {@code more}.
     */
    static Options options(Path dir, String... more) throws Args.UsageException {
        List<String> all = new ArrayList<>(List.of("--users", dir.resolve("users.db").toString(),
                "--secret-file", dir.resolve("users.key").toString(), "--hash-iterations", ServerTest.TEST_ITERATIONS));
        all.addAll(Arrays.asList(more));
        return Options.parse(all.toArray(new String[0]));
    }

    /**
     * The chat's work, as the server does it: a test's wrapper extends this and overrides what
     * it changes. Mind that the chat, not the pool, tells the loop a read is done
     * (EventLoop.done), and only once it has handled all its lines: a wrapper that holds a task
     * back holds the client's reads in the pool; one that throws never lets the loop know, and
     * the pool disconnects the client instead (Workers.handle).
     */
    static class Delegating implements Workers.Work {
        final Chat chat;

        Delegating(Chat chat) {
            this.chat = chat;
        }

        @Override
        public void onMessages(Connection from, Messages messages, Arena arena) {
            chat.onMessages(from, messages, arena);
        }

        @Override
        public void onVerdict(Connection from, Verdict verdict, Arena arena) {
            chat.onVerdict(from, verdict, arena);
        }
    }

    /** Whether the first line of this read is {@code text}. */
    static boolean firstLineIs(Messages messages, String text) {
        return messages.count() > 0 && messages.get(0).equals(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Gives every hasher a job that waits for {@code release}, and returns once each has started
     * it: until then, every password sent to be hashed waits in the hashers' queue, as it would
     * behind hashes that take long. Closing the server lets them go too (Hashers.stop).
     */
    void holdHashers(CountDownLatch release) throws InterruptedException {
        CountDownLatch holding = new CountDownLatch(hashers.size());
        for (int i = 0; i < hashers.size(); i++) {
            boolean taken = hashers.trySubmit(() -> {
                holding.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // the server stops
                }
            });
            if (!taken) {
                throw new AssertionError("the hashers refused a job");
            }
        }
        if (!holding.await(ServerProcess.STARTUP.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the hashers did not start their jobs");
        }
    }

    int port() throws IOException {
        return ((InetSocketAddress) listener.getLocalAddress()).getPort();
    }

    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    long count(String text) {
        return lines().stream().filter(l -> l.contains(text)).count();
    }

    String awaitLine(String text) {
        await().atMost(ServerProcess.STARTUP).until(() -> count(text) > 0);
        return lines().stream().filter(l -> l.contains(text)).findFirst().orElseThrow();
    }

    /** Stops the server as a signal would, and waits for the loop to return. */
    void shutdown() throws InterruptedException {
        loop.shutdown("test");
        thread.join(ServerProcess.STARTUP.toMillis());
        if (thread.isAlive()) {
            throw new AssertionError("the loop did not return; log: " + lines());
        }
        if (failure != null) {
            throw new AssertionError("the loop failed", failure);
        }
    }

    boolean loopReturned() {
        return !thread.isAlive();
    }

    boolean workersFinished() {
        return workers.finished();
    }

    @Override
    public void close() throws Exception {
        try {
            if (!loopReturned()) {
                shutdown();
            }
        } finally {
            listener.close();
            hashers.stop();
            accounts.stop(ServerProcess.STARTUP.toNanos());
        }
    }

    /** The log's stream: cuts what it is given into lines. */
    private static final class LineCollector extends OutputStream {
        private final List<String> into;
        private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

        LineCollector(List<String> into) {
            this.into = into;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                into.add(line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else {
                line.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }
    }
}
