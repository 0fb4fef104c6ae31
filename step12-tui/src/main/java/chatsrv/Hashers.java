package chatsrv;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that hash passwords, named hasher-1 to hasher-N: a pool apart from the workers.
 *
 * <p>A hash takes 150 to 250 ms of a core, on purpose (Passwords). Run where the chat's rules
 * run, it would hold up every client of that worker for as long; a worker at 200 ms a message
 * is a worker that has stopped. On the event loop it would stop every client (--threads 0 does
 * that, to show it). So the workers hand the password over here and go on with the next
 * message; what comes of it goes back to the client's worker through the loop (Verdict).
 * Netty does the same with an EventExecutorGroup for blocking work, apart from its I/O threads.
 *
 * <p>One queue for all hashers, bounded: at most QUEUE passwords wait. One more is refused at
 * once (the client gets "busy"), rather than answered a minute later. Threads: trySubmit is a
 * worker's (or the loop's, with --threads 0); the jobs run on the hashers.
 */
final class Hashers {
    /** Passwords that may wait for a hasher: the last waits some 256 × 0.2 s / N. */
    static final int QUEUE = 256;

    private final ThreadPoolExecutor pool;

    /** {@code threads} hashers; 0: none, and trySubmit runs the job at once, on the caller's thread. */
    Hashers(int threads) {
        if (threads == 0) {
            pool = null;
            return;
        }
        AtomicInteger count = new AtomicInteger();
        pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), job -> {
            Thread t = new Thread(job, "hasher-" + count.incrementAndGet());
            t.setDaemon(true); // a hash in progress must not keep a stopping server alive
            return t;
        });
        pool.prestartAllCoreThreads(); // named and counted from the start, like the workers
    }

    int size() {
        return pool == null ? 0 : pool.getCorePoolSize();
    }

    /** Hands a job to a hasher; false if QUEUE jobs wait already. */
    boolean trySubmit(Runnable job) {
        if (pool == null) {
            job.run();
            return true;
        }
        try {
            pool.execute(job);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Drops the waiting jobs and interrupts the running ones (a hash does not stop for it: they are daemon threads). */
    void stop() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
