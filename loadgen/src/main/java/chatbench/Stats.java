package chatbench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * What the bench counts. Only the loop thread touches it, so nothing here is synchronized.
 */
final class Stats {
    /**
     * Latencies above ten minutes are recorded as ten minutes: by then the run is broken anyway.
     * Not less: a server that hashes 200 passwords on its event loop stops for most of a minute,
     * and a line can wait through two such stops.
     */
    static final long MAX_LATENCY = TimeUnit.MINUTES.toNanos(10);

    /**
     * Every delivery's latency, in nanoseconds, to 3 significant digits. HdrHistogram keeps
     * counts in buckets instead of keeping every value: fixed memory, however long the run.
     * Read it through {@link #latency()}.
     */
    private final Histogram latency = new Histogram(MAX_LATENCY, 3);
    /**
     * {@link #latency} as it was at the last progress line. The next line's second is the
     * difference: one histogram to record into per delivery instead of two.
     */
    private final Histogram latencyAtTick = new Histogram(MAX_LATENCY, 3);
    /**
     * Deliveries with the same latency, to the nanosecond, not yet in the histogram. Lines that
     * were sent together (one send time) and read together (one arrival time) have the same
     * latency: fanout reads hundreds at a time, and records them as one value and a count.
     */
    private long runLatency = -1;
    private long runLength;
    /**
     * How late the bench itself wrote each fixed-rate message, behind its schedule: select()
     * wakes up late, a machine this small is busy, and the JVM pauses. The corrected latency
     * includes this delay too, so the report shows it.
     */
    final Histogram sendLag = new Histogram(MAX_LATENCY, 3);

    /** The same latencies split by when each line was due; no windows (and no cost) unless a scenario opens some. */
    final Windows windows = new Windows();

    long delivered;     // messages that reached a receiver, summed over receivers
    long otherLines;    // lines that were not our messages: another client's chatter, notices

    private long tickSent;
    private long tickDelivered;

    /** Message {@code seq}, sent at {@code sentNanos}, reached a receiver at {@code now}. */
    void delivered(SeqTracker from, long seq, long sentNanos, long now) {
        from.accept(seq);
        delivered++;
        long nanos = Math.max(0, Math.min(now - sentNanos, MAX_LATENCY));
        windows.record(sentNanos, nanos);
        if (nanos != runLatency) {
            endRun();
            runLatency = nanos;
        }
        runLength++;
    }

    private void endRun() {
        if (runLength > 0) {
            latency.recordValueWithCount(runLatency, runLength);
            runLength = 0;
        }
    }

    /** Every delivery's latency so far. */
    Histogram latency() {
        endRun();
        return latency;
    }

    /** A fixed-rate message due at {@code intended} is being written at {@code now}. */
    void sending(long intended, long now) {
        sendLag.recordValue(Math.max(0, Math.min(now - intended, MAX_LATENCY)));
    }

    /** The progress line for the second that just ended, {@code sent} messages sent so far; starts the next one. */
    String tick(double secondsSoFar, long sent) {
        Histogram lastSecond = latency().copy();
        lastSecond.subtract(latencyAtTick);
        latencyAtTick.add(lastSecond);
        String line = String.format(Locale.ROOT, "%5.0f s  %,10d sends/s  %,12d deliveries/s  p99 %s",
                secondsSoFar, sent - tickSent, delivered - tickDelivered,
                lastSecond.getTotalCount() == 0 ? "-" : millis(lastSecond.getValueAtPercentile(99)));
        tickSent = sent;
        tickDelivered = delivered;
        return line;
    }

    static double perSecond(long count, long nanos) {
        return nanos <= 0 ? 0 : count * 1e9 / nanos;
    }

    /** Milliseconds to the microsecond, with commas: a stall of half a minute reads 30,512.125 ms. */
    static String millis(long nanos) {
        return String.format(Locale.ROOT, "%,.3f ms", nanos / 1e6);
    }

    /** The four numbers the report shows, in nanoseconds. */
    record Latency(long p50, long p90, long p99, long max, long count) {
        static Latency of(Histogram h) {
            if (h.getTotalCount() == 0) {
                return new Latency(0, 0, 0, 0, 0);
            }
            return new Latency(h.getValueAtPercentile(50), h.getValueAtPercentile(90),
                    h.getValueAtPercentile(99), h.getMaxValue(), h.getTotalCount());
        }
    }

    /**
     * The latencies again, split into windows of time by when each line was due: in the logins
     * scenario, before the storm, during its registrations, during its logins. So a line counts
     * in the window in which it was sent, however late it arrived: a stall shows in the window
     * that caused it, not in the one in which the backlog finally came out.
     *
     * <p>A window starts where the one before it ends, so each line falls in exactly one: the
     * last one that starts at or before its send time (a line sent before the first window
     * falls in none). Windows are opened as the scenario goes, at the latest when they start,
     * and a line is recorded only when it arrives, which is after it was due: so every window
     * that could hold it is open by then.
     */
    static final class Windows {
        private record Window(String name, long start, Histogram latency) {}

        /** One window, for the report: its name, how long it lasted, and its latencies. */
        record Of(String window, long nanos, Latency latency) {}

        private final List<Window> windows = new ArrayList<>();

        /** The window {@code name} starts at {@code start} (a nanoTime), and the one before it ends there. */
        void open(String name, long start) {
            if (!windows.isEmpty() && start < windows.get(windows.size() - 1).start) {
                throw new IllegalArgumentException("window " + name + " starts before the one it follows");
            }
            windows.add(new Window(name, start, new Histogram(MAX_LATENCY, 3)));
        }

        /** A line sent at {@code sentNanos} took {@code nanos} to arrive. */
        void record(long sentNanos, long nanos) {
            for (int i = windows.size() - 1; i >= 0; i--) {     // a handful of windows, the newest most likely
                Window w = windows.get(i);
                if (sentNanos >= w.start) {
                    w.latency.recordValue(nanos);
                    return;
                }
            }
        }

        /** Every window, the last one ending at {@code end}. */
        List<Of> latencies(long end) {
            List<Of> all = new ArrayList<>();
            for (int i = 0; i < windows.size(); i++) {
                Window w = windows.get(i);
                long until = i + 1 < windows.size() ? windows.get(i + 1).start : end;
                all.add(new Of(w.name, Math.max(0, until - w.start), Latency.of(w.latency)));
            }
            return all;
        }
    }

    /**
     * One sender's messages as one receiver saw them. Over one TCP connection from a correct
     * server they arrive in order, so a receiver needs no set of the seqs it has seen: only the
     * next one it expects. A seq below that is a message that came late (reordered); one above it
     * leaves a gap, which is not yet a loss: the late message may still come, and the final count
     * (sent minus received) decides. A duplicate would hide a loss; a broadcast server has no
     * reason to send one.
     */
    static final class SeqTracker {
        long next;
        long received;
        long reordered;

        void accept(long seq) {
            received++;
            if (seq >= next) {
                next = seq + 1;
            } else {
                reordered++;
            }
        }
    }

    /** One sender's messages as all its receivers together saw them. */
    record SenderTotals(int sender, long sent, long expected, long delivered, long lost, long reordered) {
        /** {@code sent} messages, each of which every one of {@code receivers} should have got. */
        static SenderTotals of(int sender, long sent, Collection<SeqTracker> receivers) {
            long delivered = 0;
            long lost = 0;
            long reordered = 0;
            for (SeqTracker r : receivers) {
                delivered += r.received;
                lost += Math.max(0, sent - r.received);
                reordered += r.reordered;
            }
            return new SenderTotals(sender, sent, sent * receivers.size(), delivered, lost, reordered);
        }
    }

    /**
     * When each message of a fixed-rate sender is due: message k at start + k * interval.
     *
     * <p>Stamping a message with this intended time, not with the moment it was really written,
     * is the correction for coordinated omission: if the server stalls and the sender falls
     * behind, the messages it sends late still count from when they should have gone, so the
     * stall shows in the percentiles instead of hiding in a gap nobody measured.
     */
    record Schedule(long start, long interval) {
        static Schedule perSecond(long start, int rate) {
            return new Schedule(start, 1_000_000_000L / rate);
        }

        long intended(long seq) {
            return start + seq * interval;
        }

        /** How many messages (seq 0 onward) should have been sent by {@code now}. */
        long due(long now) {
            return now < start ? 0 : (now - start) / interval + 1;
        }
    }
}
