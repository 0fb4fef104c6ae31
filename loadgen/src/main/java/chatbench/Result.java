package chatbench;

import java.io.IOException;
import java.util.List;

/**
 * What the clients counted, as of the moment Clients made it: the connections, then the
 * sending. The rates count what happened while the senders sent (sent, delivered, bytes);
 * the latencies and the per-sender totals also count what arrived while draining.
 *
 * @param connectError the first failed connect (a ConnectException: nobody listens), or null
 * @param refusal the line of a server that would not take a client ("server full"), or null
 * @param closed greeted connections closed since, by the server or by an error; closeReason: why the first one
 * @param otherLines lines that were not ours: another client's chatter, a server's notices
 * @param rosterLines roster lines (step11 on, with accounts): not messages, and not counted among the other lines
 * @param rosterViolations what the clients' rosters found impossible in them (Roster); 0 from a correct server
 * @param sendingNanos how long the senders sent; it and the four counts after it are 0 if nobody sent
 * @param bytesIn every byte read until sending stopped, greetings included
 * @param windows the latencies again, split by when each line was due (logins); empty if no window was opened
 */
record Result(int greeted, int refused, String refusal, int failed, IOException connectError,
              int closed, String closeReason, long otherLines, long rosterLines, long rosterViolations,
              long sendingNanos, long sent, long delivered, long bytesIn, long bytesOut,
              Stats.Latency latency, Stats.Latency sendLag, List<Stats.SenderTotals> senders,
              List<Stats.Windows.Of> windows) {

    /** Greeted and not closed by the server. */
    int open() {
        return greeted - closed;
    }

    double seconds() {
        return sendingNanos / 1e9;
    }

    long lost() {
        return senders.stream().mapToLong(Stats.SenderTotals::lost).sum();
    }

    long reordered() {
        return senders.stream().mapToLong(Stats.SenderTotals::reordered).sum();
    }
}
