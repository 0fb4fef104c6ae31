package chatbench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** Phase.runUntil, on a clock of the test's own, and once on the real event loop and the real clock. */
class PhaseTest {
    private static final long MS = 1_000_000L;
    private static final long SECOND = Phase.SECOND;

    /**
     * A loop whose clock moves only when it waits: a wait ends at the time it was given, or
     * earlier at the one event the test set up, which then happens.
     */
    private static final class FakeLoop implements Phase.Loop {
        long now;
        long eventAt = Long.MAX_VALUE;
        Runnable event = () -> {};
        final List<Long> waitedUntil = new ArrayList<>();

        @Override
        public long now() {
            return now;
        }

        @Override
        public void poll(long until) {
            waitedUntil.add(until);
            if (eventAt <= until) {
                now = Math.max(now, eventAt);
                eventAt = Long.MAX_VALUE;
                event.run();
            } else {
                now = Math.max(now, until);
            }
        }
    }

    private final FakeLoop loop = new FakeLoop();
    private final List<Long> ticks = new ArrayList<>();
    private boolean done;

    private void tick() {
        ticks.add(loop.now());
    }

    /** A phase with no work of its own: it only waits for events. */
    private boolean waitUntil(long deadline, BooleanSupplier condition) throws IOException {
        return Phase.runUntil(loop, 0, deadline, condition, () -> Long.MAX_VALUE, this::tick);
    }

    @Test
    void stopsAtTheFirstWakeupAfterTheConditionHolds() throws IOException {
        loop.eventAt = 2_300 * MS;                 // say, the last greeting arrives
        loop.event = () -> done = true;
        assertThat(waitUntil(10 * SECOND, () -> done)).isTrue();
        assertThat(loop.now).isEqualTo(2_300 * MS);
        assertThat(ticks).containsExactly(SECOND, 2 * SECOND);
    }

    @Test
    void aConditionThatHoldsAlreadyDoesNotWait() throws IOException {
        assertThat(waitUntil(10 * SECOND, () -> true)).isTrue();
        assertThat(loop.waitedUntil).isEmpty();
        assertThat(ticks).isEmpty();
    }

    @Test
    void stopsAtTheDeadlineNotAfterIt() throws IOException {
        assertThat(waitUntil(3_500 * MS, () -> done)).isFalse();
        assertThat(loop.now).isEqualTo(3_500 * MS);
        assertThat(ticks).containsExactly(SECOND, 2 * SECOND, 3 * SECOND);
        assertThat(loop.waitedUntil).containsExactly(SECOND, 2 * SECOND, 3 * SECOND, 3_500 * MS);
    }

    @Test
    void ticksOnceASecondHoweverOftenTheLoopWakes() throws IOException {
        // A sender due every millisecond: thousands of wakeups, still one progress line a second.
        Phase.runUntil(loop, 0, 4_500 * MS, () -> false, () -> loop.now() + MS, this::tick);
        assertThat(loop.waitedUntil.size()).isGreaterThan(4_000);
        assertThat(ticks).containsExactly(SECOND, 2 * SECOND, 3 * SECOND, 4 * SECOND);
    }

    @Test
    void aWaitEndsWhenTheWorkAsksForItsNextTurn() throws IOException {
        loop.now = 7 * SECOND;
        Phase.runUntil(loop, 7 * SECOND, 8_900 * MS, () -> false, () -> loop.now() + 250 * MS, this::tick);
        assertThat(loop.waitedUntil.get(0)).isEqualTo(7 * SECOND + 250 * MS);
        assertThat(ticks).containsExactly(8 * SECOND);
    }

    /** Sending for 3 s from the moment the schedules start: the last line is the third second's, at the deadline. */
    @Test
    void theSecondsCountFromThePhasesStartSoTheLastComesAtAWholeDeadline() throws IOException {
        long start = 5 * SECOND;
        loop.now = start + 2 * MS;                 // the senders were set up after their schedules' start
        assertThat(Phase.runUntil(loop, start, start + 3 * SECOND, () -> false, () -> Long.MAX_VALUE, this::tick))
                .isFalse();
        assertThat(ticks).containsExactly(start + SECOND, start + 2 * SECOND, start + 3 * SECOND);
    }

    /** The real loop with nothing to do sleeps in select() until the deadline, and ticks each second on the way. */
    @Test
    void theRealLoopSleepsUntilTheDeadline() throws IOException {
        EventLoop.Handler nothing = new EventLoop.Handler() {
            @Override
            public void line(Connection c, byte[] b, int from, int to, long arrivedNanos) {}

            @Override
            public void connectFailed(Connection c, IOException e) {}

            @Override
            public void closed(Connection c, String why) {}
        };
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (EventLoop real = new EventLoop(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1), nothing)) {
            long cpu = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            List<Long> at = new ArrayList<>();
            assertThat(Phase.runUntil(real, start, start + 2_500 * MS, () -> false, () -> Long.MAX_VALUE,
                    () -> at.add(System.nanoTime() - start))).isFalse();
            long elapsed = System.nanoTime() - start;
            assertThat(elapsed).isBetween(2_500 * MS, 3_500 * MS);
            assertThat(at).hasSize(2);
            assertThat(at.get(0)).isBetween(SECOND, SECOND + 500 * MS);
            assertThat(at.get(1)).isBetween(2 * SECOND, 2 * SECOND + 500 * MS);
            assertThat(threads.getCurrentThreadCpuTime() - cpu).as("CPU used while waiting").isLessThan(300 * MS);
        }
    }
}
