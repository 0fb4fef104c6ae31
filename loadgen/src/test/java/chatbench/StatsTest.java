package chatbench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class StatsTest {
    private static final long MS = 1_000_000L;

    private static Stats.SeqTracker receive(long... seqs) {
        Stats.SeqTracker t = new Stats.SeqTracker();
        for (long seq : seqs) {
            t.accept(seq);
        }
        return t;
    }

    @Test
    void inOrderIsNeitherLostNorReordered() {
        Stats.SeqTracker t = receive(0, 1, 2, 3);
        assertThat(t.received).isEqualTo(4);
        assertThat(t.reordered).isZero();
        assertThat(Stats.SenderTotals.of(1, 4, List.of(t)))
                .isEqualTo(new Stats.SenderTotals(1, 4, 4, 4, 0, 0));
    }

    @Test
    void aSeqGoingBackwardsIsReorderedNotLost() {
        Stats.SeqTracker t = receive(0, 2, 1, 3);
        assertThat(t.reordered).isEqualTo(1);
        assertThat(Stats.SenderTotals.of(1, 4, List.of(t)).lost()).isZero();
    }

    @Test
    void aGapThatNeverFillsIsLost() {
        Stats.SeqTracker t = receive(0, 1, 4);
        assertThat(t.reordered).isZero();
        assertThat(Stats.SenderTotals.of(1, 5, List.of(t)).lost()).isEqualTo(2);
    }

    @Test
    void perSenderTotalsAddUpOverItsReceivers() {
        Stats.SeqTracker all = receive(0, 1, 2, 3, 4);
        Stats.SeqTracker lateOne = receive(0, 1, 3, 2, 4);
        Stats.SeqTracker cutOff = receive(0, 1);
        assertThat(Stats.SenderTotals.of(2, 5, List.of(all, lateOne, cutOff)))
                .isEqualTo(new Stats.SenderTotals(2, 5, 15, 12, 3, 1));
    }

    @Test
    void ratesArePerSecond() {
        assertThat(Stats.perSecond(1000, 2_000 * MS)).isEqualTo(500.0);
        assertThat(Stats.perSecond(1000, 0)).isZero();
    }

    @Test
    void percentilesOfKnownLatencies() {
        Histogram h = new Histogram(Stats.MAX_LATENCY, 3);
        for (int ms = 1; ms <= 100; ms++) {
            h.recordValue(ms * MS);
        }
        Stats.Latency l = Stats.Latency.of(h);
        // 3 significant digits: each value within 0.1 % of the true one
        assertThat((double) l.p50()).isCloseTo(50 * MS, within(0.001 * 50 * MS));
        assertThat((double) l.p90()).isCloseTo(90 * MS, within(0.001 * 90 * MS));
        assertThat((double) l.p99()).isCloseTo(99 * MS, within(0.001 * 99 * MS));
        assertThat((double) l.max()).isCloseTo(100 * MS, within(0.001 * 100 * MS));
        assertThat(l.count()).isEqualTo(100);
    }

    @Test
    void theScheduleSaysWhatIsDue() {
        Stats.Schedule s = Stats.Schedule.perSecond(1_000 * MS, 100);    // every 10 ms from t = 1 s
        assertThat(s.interval()).isEqualTo(10 * MS);
        assertThat(s.due(999 * MS)).isZero();
        assertThat(s.due(1_000 * MS)).isEqualTo(1);
        assertThat(s.due(1_009 * MS)).isEqualTo(1);
        assertThat(s.due(1_010 * MS)).isEqualTo(2);
        assertThat(s.intended(3)).isEqualTo(1_030 * MS);
    }

    /**
     * A sender at 100 lines/s is stuck for 100 ms (the server stopped reading), then sends the
     * 11 lines that fell due, and all arrive at once. Stamped with the moment they were really
     * written, they look instant; stamped from the schedule, they show the stall.
     */
    @Test
    void coordinatedOmissionCorrection() {
        Stats.Schedule schedule = Stats.Schedule.perSecond(0, 100);
        long unstuck = 100 * MS;
        Stats corrected = new Stats();
        Stats naive = new Stats();
        Stats.SeqTracker a = new Stats.SeqTracker();
        Stats.SeqTracker b = new Stats.SeqTracker();
        for (long seq = 0; seq < schedule.due(unstuck); seq++) {
            corrected.delivered(a, seq, schedule.intended(seq), unstuck);
            naive.delivered(b, seq, unstuck, unstuck);
        }
        Stats.Latency right = Stats.Latency.of(corrected.latency());
        Stats.Latency wrong = Stats.Latency.of(naive.latency());
        assertThat(right.count()).isEqualTo(11);
        assertThat((double) right.p50()).isCloseTo(50 * MS, within(0.001 * 50 * MS));
        assertThat((double) right.max()).isCloseTo(100 * MS, within(0.001 * 100 * MS));
        assertThat(wrong.max()).isZero();
    }

    @Test
    void aLatencyBeyondTheRangeIsClampedNotAnError() {
        Stats stats = new Stats();
        stats.delivered(new Stats.SeqTracker(), 0, 0, 10 * Stats.MAX_LATENCY);
        assertThat(stats.latency().getMaxValue()).isGreaterThanOrEqualTo(Stats.MAX_LATENCY);
    }

    /** Runs of equal latencies are recorded as one value and a count: the histogram must not tell. */
    @Test
    void everyDeliveryIsInTheHistogramRunsOrNot() {
        Stats stats = new Stats();
        Histogram expected = new Histogram(Stats.MAX_LATENCY, 3);
        Stats.SeqTracker from = new Stats.SeqTracker();
        long[] latencies = {5 * MS, 5 * MS, 5 * MS, 7 * MS, 5 * MS, 0, 0, 9 * MS, 9 * MS, 1};
        for (int i = 0; i < latencies.length; i++) {
            stats.delivered(from, i, 100 * MS - latencies[i], 100 * MS);
            expected.recordValue(latencies[i]);
            assertThat(stats.latency()).as("after %d", i).isEqualTo(expected);
        }
        stats.delivered(from, 10, 100 * MS - 1, 100 * MS);      // the same as the last: a run across a read of the histogram
        expected.recordValue(1);
        assertThat(stats.latency()).isEqualTo(expected);
        assertThat(stats.delivered).isEqualTo(11);
        assertThat(from.received).isEqualTo(11);
    }

    @Test
    void theProgressLineShowsTheLastSecondOnly() {
        Stats stats = new Stats();
        Stats.SeqTracker from = new Stats.SeqTracker();
        for (int i = 0; i < 100; i++) {
            stats.delivered(from, i, 0, 2 * MS);
        }
        assertThat(stats.tick(1, 0)).contains("100 deliveries/s", "p99 2.0");
        for (int i = 100; i < 110; i++) {
            stats.delivered(from, i, 0, 50 * MS);
        }
        assertThat(stats.tick(2, 0)).contains(" 10 deliveries/s", "p99 50.0");
        assertThat(stats.tick(3, 0)).contains(" 0 deliveries/s", "p99 -");
        assertThat(stats.latency().getTotalCount()).isEqualTo(110);
    }

    /**
     * A line counts in the window in which it was due, however late it arrives: one due just
     * before the storm and stuck behind it is still "before"; one due during the storm that
     * arrives after it is still the storm's.
     */
    @Test
    void eachLatencyGoesToTheWindowInWhichItsLineWasDue() {
        Stats stats = new Stats();
        Stats.SeqTracker from = new Stats.SeqTracker();
        stats.windows.open("before", 1_000 * MS);
        stats.delivered(from, 0, 999 * MS, 1_001 * MS);         // due before the first window: in none
        stats.delivered(from, 1, 1_000 * MS, 1_001 * MS);
        stats.delivered(from, 2, 1_990 * MS, 2_700 * MS);       // due before the storm, stuck in it
        stats.windows.open("storm", 2_000 * MS);
        stats.delivered(from, 3, 2_000 * MS, 2_700 * MS);
        stats.delivered(from, 4, 2_500 * MS, 2_700 * MS);
        stats.windows.open("after", 3_000 * MS);
        stats.delivered(from, 5, 2_900 * MS, 3_500 * MS);       // due in the storm, arrived after it
        stats.delivered(from, 6, 3_000 * MS, 3_001 * MS);
        List<Stats.Windows.Of> windows = stats.windows.latencies(3_500 * MS);
        assertThat(windows).extracting(Stats.Windows.Of::window).containsExactly("before", "storm", "after");
        assertThat(windows).extracting(Stats.Windows.Of::nanos).containsExactly(1_000 * MS, 1_000 * MS, 500 * MS);
        Stats.Latency before = windows.get(0).latency();
        Stats.Latency storm = windows.get(1).latency();
        Stats.Latency after = windows.get(2).latency();
        assertThat(before.count()).isEqualTo(2);
        assertThat((double) before.max()).isCloseTo(710 * MS, within(0.001 * 710 * MS));
        assertThat(storm.count()).isEqualTo(3);
        assertThat((double) storm.max()).isCloseTo(700 * MS, within(0.001 * 700 * MS));
        assertThat(after.count()).isEqualTo(1);
        assertThat((double) after.max()).isCloseTo(1 * MS, within(0.001 * MS));
        assertThat(stats.latency().getTotalCount()).as("the whole run still counts every line").isEqualTo(7);
    }

    @Test
    void aWindowCannotStartBeforeTheOneItFollows() {
        Stats.Windows windows = new Stats.Windows();
        windows.open("before", 1_000 * MS);
        assertThatThrownBy(() -> windows.open("storm", 999 * MS)).isInstanceOf(IllegalArgumentException.class);
    }
}
