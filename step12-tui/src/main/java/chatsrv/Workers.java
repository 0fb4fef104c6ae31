package chatsrv;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pool: --threads worker threads, named worker-1 to worker-N, that run the chat's rules on
 * what clients sent (Chat.onMessages) and on what came of their passwords (Chat.onVerdict),
 * while the event loop's thread does the I/O. A worker never touches a socket: what it wants
 * sent, it hands back to the loop (EventLoop.deliver). Nor does it hash a password: that takes
 * 150 to 250 ms, and goes to the hashers (Hashers).
 *
 * <p>Each worker has a queue of its own, and each client one worker, always the same
 * (Connection.worker, given round-robin as clients connect). A worker takes its tasks in the
 * order they came, so a client's messages are handled in the order it sent them, however many
 * workers there are. With one queue shared by all, two workers could take two reads of the
 * same client at once, and the second could overtake the first.
 *
 * <p>The reads on a queue are bounded. The loop hands a worker a read only when there is room
 * (hasRoom); when there is none, it stops reading from the worker's clients until the worker
 * has caught up (caughtUp). The worker wakes the loop when its queue has fallen to half: the
 * chat's word that a read is finished (EventLoop.done) is not enough, since a read that waits
 * for a password's verdict is finished only after the verdict, and a queue full of LOGINs
 * would otherwise hold its clients' reads until the hashers answer. So a slow pool slows the
 * clients down, through TCP, instead of growing a queue without end. Verdicts
 * are not reads, and always find room: there are never more of them than passwords with the
 * hashers (Hashers.QUEUE, and the hashers' own).
 *
 * <p>Threads: submit, resume, hasRoom, caughtUp, finish, finished and stop are the loop's; each Worker's run
 * is its own thread's. A task crosses between them through an ArrayBlockingQueue, whose lock
 * makes everything the loop wrote before offer() visible to the worker after take(): the
 * messages' bytes, and the Connection it names.
 *
 * <p>With --threads 0 there is no pool: the loop runs every task itself, at once, as step08 did.
 */
final class Workers {
    /** Reads one worker may have waiting, of at most the loop's 64 KiB each. */
    static final int QUEUE = 64;

    /** What a worker does with a task: Chat.onMessages and Chat.onVerdict, in the server. */
    interface Work {
        /** The lines of one read; the work tells the loop when it is done with them (EventLoop.done). */
        void onMessages(Connection from, Messages messages, Arena arena);

        void onVerdict(Connection from, Verdict verdict, Arena arena);
    }

    /** A read's messages, or a verdict. */
    private record Task(Connection from, Messages messages, Verdict verdict) {
    }

    /** Put on a queue behind the last task: the worker finishes what is ahead of it, then exits. */
    private static final Task STOP = new Task(null, null, null);

    private final Work work;
    private final EventLoop loop;
    private final Log log;
    private final Worker[] workers;
    /** The loop's own arena, for --threads 0. */
    private final Arena arena = new Arena();
    private final AtomicInteger running = new AtomicInteger();
    private int next;
    /** Counted by the loop: tasks (reads) and the messages in them, handed over. */
    long tasks;
    long messages;

    Workers(int threads, Work work, EventLoop loop, Log log) {
        this.work = work;
        this.loop = loop;
        this.log = log;
        this.workers = new Worker[threads];
        for (int i = 0; i < threads; i++) {
            workers[i] = new Worker("worker-" + (i + 1));
        }
    }

    void start() {
        running.set(workers.length);
        for (Worker w : workers) {
            w.thread.start();
        }
    }

    int size() {
        return workers.length;
    }

    /** The worker for a new client: one after the other, so that each gets as many clients. */
    int pick() {
        if (workers.length == 0) {
            return 0;
        }
        int worker = next;
        next = (next + 1) % workers.length;
        return worker;
    }

    /** The name of a client's worker, for the log. */
    String nameOf(Connection c) {
        return nameOf(c.worker);
    }

    String nameOf(int worker) {
        return workers.length == 0 ? "the loop" : workers[worker].thread.getName();
    }

    /** Whether the client's worker can take a task now. */
    boolean hasRoom(Connection c) {
        return workers.length == 0 || workers[c.worker].queue.size() < QUEUE;
    }

    /** Whether a worker whose queue was full has worked it down to half: time to read from its clients again. */
    boolean caughtUp(int worker) {
        return workers.length == 0 || workers[worker].queue.size() <= QUEUE / 2;
    }

    /** Hands the messages of one read to the client's worker, which has room (hasRoom). */
    void submit(Connection from, Messages batch) {
        tasks++;
        messages += batch.count();
        if (workers.length == 0) {
            handle(new Task(from, batch, null), arena, "the loop");
        } else {
            workers[from.worker].queue.add(new Task(from, batch, null));
        }
    }

    /** Hands what came of a password to the client's worker. */
    void resume(Connection from, Verdict verdict) {
        if (workers.length == 0) {
            handle(new Task(from, null, verdict), arena, "the loop");
        } else {
            workers[from.worker].queue.add(new Task(from, null, verdict));
        }
    }

    /** Asks every worker to finish what it holds and exit. */
    void finish() {
        for (Worker w : workers) {
            w.queue.add(STOP);
        }
    }

    /** Whether every worker has exited. */
    boolean finished() {
        return running.get() == 0;
    }

    /**
     * Interrupts the workers still at work when there is no more time, and waits a little for
     * them; returns how many are still alive (a task that ignores the interrupt).
     */
    int stop(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        int alive = 0;
        for (Worker w : workers) {
            w.thread.interrupt();
            w.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            alive += w.thread.isAlive() ? 1 : 0;
        }
        return alive;
    }

    /**
     * Runs a task. A task that throws is a bug in the chat's rules: it would otherwise end the
     * worker's thread, and with it the service of every client the worker has. The worker logs
     * it, asks the loop to close the client whose message it was, and goes on with the next.
     * Errors too: a StackOverflowError in the rules, or an OutOfMemoryError for one more arena,
     * is about this message, and the worker's other clients must not pay for it.
     */
    private void handle(Task task, Arena arena, String who) {
        try {
            if (task.messages() != null) {
                work.onMessages(task.from(), task.messages(), arena);
            } else {
                work.onVerdict(task.from(), task.verdict(), arena);
            }
        } catch (RuntimeException | Error e) {
            log.info("%s failed on a message from %s: %s", who, task.from(), e);
            loop.disconnect(task.from(), "its message failed on " + who + ": " + e);
        }
    }

    /** One worker thread, with its queue and its arena (each worker encodes into its own: no lock). */
    private final class Worker implements Runnable {
        /** Unbounded, but the loop puts at most QUEUE reads on it (hasRoom), and verdicts are few. */
        final BlockingQueue<Task> queue = new LinkedBlockingQueue<>();
        final Arena arena = new Arena();
        final Thread thread;
        Worker(String name) {
            this.thread = new Thread(this, name);
            // A task that ignores the interrupt at shutdown must not keep the JVM alive after main returns.
            thread.setDaemon(true);
        }

        /** Runs on this worker's thread: blocks in take() while there is nothing to do, so an idle pool costs no CPU. */
        @Override
        public void run() {
            try {
                for (Task task; (task = queue.take()) != STOP; ) {
                    if (queue.size() == QUEUE / 2) {
                        // Only this thread takes, so the queue passes through QUEUE / 2 here on its
                        // way down; if a verdict was added meanwhile, it passes again later.
                        loop.wakeUp();
                    }
                    handle(task, arena, thread.getName());
                }
            } catch (InterruptedException e) {
                // the server stops, and could not wait for the rest of the queue
            } finally {
                running.decrementAndGet();
                loop.wakeUp();
            }
        }
    }
}
