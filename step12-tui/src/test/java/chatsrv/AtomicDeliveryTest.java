package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Many users sending MSG * at once, in random fragments, to four workers: every receiver sees
 * every message whole, each sender's in order, and all receivers see the same order. Four
 * workers handle the messages at once, but one thread, the loop, puts them on every queue, in
 * the one order in which the workers handed them over.
 */
class AtomicDeliveryTest extends ServerTest {
    private static final int CLIENTS = 20;
    private static final int LINES = 200;
    private static final Pattern LINE = Pattern.compile("^FROM user(\\d+) \\* client (\\d+) line (\\d+) (x+)$");

    @Override
    String[] serverArgs() {
        return args("--threads", "4");
    }

    @Test
    void twentyClientsSendingTwoHundredLinesInFragmentsAreDeliveredWholeInOrderAndInOneOrderForAll() throws Exception {
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(Client.registered(port, "user" + i));
        }
        ExecutorService threads = Executors.newFixedThreadPool(2 * CLIENTS);
        try {
            List<Future<?>> senders = new ArrayList<>();
            List<Future<List<String>>> receivers = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                int id = i;
                Client c = clients.get(i);
                receivers.add(threads.submit(() -> receiveAll(c)));
                senders.add(threads.submit(() -> {
                    sendInFragments(c, id);
                    return null;
                }));
            }
            for (Future<?> s : senders) {
                s.get();
            }
            long start = System.nanoTime();
            List<String> first = receivers.get(0).get();
            for (Future<List<String>> r : receivers) {
                assertThat(r.get()).as("the order of all lines, as each receiver saw it").isEqualTo(first);
            }
            System.out.printf("measured: %d receivers each got all %d lines whole and in order, %d ms after the last send%n",
                    CLIENTS, CLIENTS * LINES, (System.nanoTime() - start) / 1_000_000);
        } finally {
            threads.shutdownNow();
            for (Client c : clients) {
                c.close();
            }
        }
    }

    /** Writes this client's lines as random pieces: a piece may end mid-line or hold several lines. */
    private static void sendInFragments(Client c, int id) throws Exception {
        StringBuilder all = new StringBuilder();
        for (int n = 0; n < LINES; n++) {
            all.append("MSG * client ").append(id).append(" line ").append(n).append(' ').append("x".repeat(1 + n % 50)).append('\n');
        }
        byte[] bytes = all.toString().getBytes();
        Random random = new Random(id);
        for (int at = 0; at < bytes.length; ) {
            int size = Math.min(bytes.length - at, 1 + random.nextInt(120));
            byte[] piece = new byte[size];
            System.arraycopy(bytes, at, piece, 0, size);
            c.send(piece);
            at += size;
        }
    }

    /**
     * Reads every line of every sender, checking each is whole and follows the sender's previous
     * one; returns them all, as "sender line", in the order they came.
     */
    private static List<String> receiveAll(Client c) throws Exception {
        Map<Integer, Integer> last = new HashMap<>();
        List<String> order = new ArrayList<>(CLIENTS * LINES);
        for (int i = 0; i < CLIENTS * LINES; i++) {
            String line = c.readLine();
            Matcher m = LINE.matcher(line);
            assertThat(m.matches()).as("a whole line, not pieces of two: '%s'", line).isTrue();
            int sender = Integer.parseInt(m.group(1));
            assertThat(m.group(2)).as("the sender's name and what it wrote: '%s'", line).isEqualTo(m.group(1));
            int n = Integer.parseInt(m.group(3));
            assertThat(m.group(4)).hasSize(1 + n % 50);
            assertThat(n).as("line of client %d after line %s", sender, last.get(sender)).isEqualTo(last.getOrDefault(sender, -1) + 1);
            last.put(sender, n);
            order.add(sender + " " + n);
        }
        assertThat(last).hasSize(CLIENTS).allSatisfy((sender, n) -> assertThat(n).isEqualTo(LINES - 1));
        return order;
    }
}
