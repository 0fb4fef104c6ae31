package chatbench;

import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * The one shape every phase of a scenario has: run the event loop until a condition holds or a
 * deadline passes, with a progress line once a second. Connecting, the probe, sending and
 * draining differ only in their condition, their deadline and the work they do before each
 * wait, so they share this loop instead of each having its own.
 */
final class Phase {
    static final long SECOND = 1_000_000_000L;

    private Phase() {}

    /** What a phase needs of the event loop: the time, and a wait for events. A fake one in the tests. */
    interface Loop {
        /** The time of the last wakeup: {@link System#nanoTime()} as the real loop last read it. */
        long now();

        /** Waits for events until {@code until} at the latest, and handles the ones that came. */
        void poll(long until) throws IOException;
    }

    /** A phase's own work before each wait: start connects, write what is due. */
    interface Work {
        /** Does it, and says when it next needs to run (Long.MAX_VALUE: only when something happens). */
        long run() throws IOException;
    }

    /**
     * Runs the loop until {@code done} holds or {@code deadline} passes, calling {@code everySecond}
     * one second after {@code start}, two seconds after it, and so on. {@code done} is checked
     * before every wait, so the loop stops at the first wakeup after it holds; the wait ends at
     * the deadline, the next progress line or the time {@code work} asks for, whichever is first.
     * Returns whether {@code done} held.
     *
     * <p>The seconds count from the phase's own start, not from this call: a phase that sends for
     * 10 s from {@code start} then ends with the progress line of its tenth second.
     */
    static boolean runUntil(Loop loop, long start, long deadline, BooleanSupplier done, Work work,
            Runnable everySecond) throws IOException {
        long nextTick = start + SECOND;
        while (!done.getAsBoolean()) {
            if (loop.now() >= deadline) {
                return false;
            }
            loop.poll(Math.min(Math.min(deadline, nextTick), work.run()));
            if (loop.now() >= nextTick) {
                everySecond.run();
                nextTick += SECOND;
            }
        }
        return true;
    }
}
