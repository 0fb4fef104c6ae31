package chatbench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayDeque;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A fake server with accounts, for the tests of logins, of --accounts, churn and lag: just
 * enough of the protocol of step10 on. It welcomes, answers REGISTER and LOGIN with OK (or
 * ERR), sends MSG * to every user logged in as FROM, answers PING with PONG, and QUIT with BYE
 * and closes. A thread per client and one lock, as in TestServer.
 *
 * <p>{@link #withRoster()} makes it a server of step11: after each OK a snapshot, then every
 * login and logout as a change to everyone else logged in, with the window rule: at most
 * {@link #WINDOW} unacknowledged per client (a snapshot counts as one), then nothing until the
 * client has acknowledged everything, then one fresh snapshot. {@code ROSTER} asks for one.
 *
 * <p>A password's hashing is a sleep, spent one of two ways: {@link Hashing#onTheLoop} holds the
 * lock while it sleeps, so no message goes anywhere meanwhile, as on a server that hashes on its
 * event loop; {@link Hashing#inAPool} sleeps outside it, and only that client waits.
 */
final class AccountServer implements AutoCloseable {
    /** How long a REGISTER or LOGIN takes, and whether every other client waits for it. */
    record Hashing(long millis, boolean stallsEveryone) {
        static Hashing onTheLoop(long millis) {
            return new Hashing(millis, true);
        }

        static Hashing inAPool(long millis) {
            return new Hashing(millis, false);
        }
    }

    /** Changes and snapshots a client may have unacknowledged. */
    static final int WINDOW = 16;

    /** What the roster owes one client logged in: what it has not acknowledged, and whether it missed changes. */
    private static final class Follower {
        final ArrayDeque<Long> unacked = new ArrayDeque<>();
        boolean behind;
    }

    private final ServerSocket listener = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
    private final Hashing register;
    private final Hashing login;
    private final int busyEvery;
    private final Object lock = new Object();
    // guarded by lock:
    private final Map<String, String> passwords = new HashMap<>();
    private final Set<Socket> connections = new HashSet<>();
    private final Map<Socket, String> online = new LinkedHashMap<>();
    private int registers;
    private int mostConnections;
    private int quits;
    private int byes;
    private int byesBeforeTheFirstLogin = -1;
    private volatile long byeMillis;
    private volatile long deliverMillis;
    private volatile boolean roster;
    // guarded by lock, with the roster:
    private long version;
    private final Map<Socket, Follower> followers = new HashMap<>();
    private long changesSent;
    /** Delivers the messages, in order, when deliverAfter asks for a delay. */
    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "account-server-later");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param busyEvery every busyEvery-th REGISTER, counting from the first, is answered
     *                  {@code ERR REGISTER busy}; 0 for never
     */
    AccountServer(Hashing register, Hashing login, int busyEvery) throws IOException {
        this.register = register;
        this.login = login;
        this.busyEvery = busyEvery;
        daemon(this::accept);
    }

    /** Answers each QUIT this much later: a server still busy when its clients leave. */
    AccountServer byeAfter(long millis) {
        byeMillis = millis;
        return this;
    }

    /** Delivers every message this much later than it came: a server that lags behind its chat. */
    AccountServer deliverAfter(long millis) {
        deliverMillis = millis;
        return this;
    }

    /** Speaks the roster of step11 too. */
    AccountServer withRoster() {
        roster = true;
        return this;
    }

    /** The roster's version now. */
    long version() {
        synchronized (lock) {
            return version;
        }
    }

    /** ROSTER + and - lines written, to every client together. */
    long changesSent() {
        synchronized (lock) {
            return changesSent;
        }
    }

    int port() {
        return listener.getLocalPort();
    }

    /** The most connections it had open at once. */
    int mostConnections() {
        synchronized (lock) {
            return mostConnections;
        }
    }

    /** QUITs received. */
    int quits() {
        synchronized (lock) {
            return quits;
        }
    }

    /** QUITs answered with BYE, and their connections closed, by the time the first LOGIN came; -1 if none came. */
    int byesBeforeTheFirstLogin() {
        synchronized (lock) {
            return byesBeforeTheFirstLogin;
        }
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                daemon(() -> serve(client));
            } catch (IOException e) {
                return;                 // closed
            }
        }
    }

    private void serve(Socket client) {
        try (client; BufferedReader in = new BufferedReader(
                new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
            client.setTcpNoDelay(true);       // the bench measures latency: no Nagle delay on small lines
            synchronized (lock) {
                connections.add(client);
                mostConnections = Math.max(mostConnections, connections.size());
                write(client, "Welcome to the fake accounts server\n");
            }
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] w = line.split(" ", 3);
                switch (w[0]) {
                    case "REGISTER" -> answer(client, w, register, true);
                    case "LOGIN" -> answer(client, w, login, false);
                    case "MSG" -> {
                        synchronized (lock) {
                            String from = online.get(client);
                            if (from == null) {
                                write(client, "ERR MSG not-logged-in log in first\n");
                            } else {
                                String delivered = "FROM " + from + " * " + w[2] + "\n";
                                // one thread, and delays that never shrink: the order stays
                                later.schedule(() -> toEveryone(delivered), deliverMillis, TimeUnit.MILLISECONDS);
                            }
                        }
                    }
                    case "PING" -> write(client, "PONG" + (w.length > 1 ? " " + w[1] : "") + "\n");
                    case "ACK" -> {
                        if (roster) {
                            synchronized (lock) {
                                ack(client, Long.parseLong(w[1]));
                            }
                        } else {
                            write(client, "ERR ? syntax no such verb\n");
                        }
                    }
                    case "ROSTER" -> {
                        if (roster) {
                            synchronized (lock) {
                                snapshot(client);
                            }
                        } else {
                            write(client, "ERR ? syntax no such verb\n");
                        }
                    }
                    case "QUIT" -> {
                        synchronized (lock) {
                            quits++;
                        }
                        sleep(byeMillis);
                        synchronized (lock) {
                            logout(client);             // offline before the BYE, as the client sees it
                            write(client, "BYE see you\n");
                            client.close();
                            byes++;
                        }
                        return;
                    }
                    default -> write(client, "ERR ? syntax no such verb\n");
                }
            }
        } catch (IOException e) {
            // the client went away
        } finally {
            synchronized (lock) {
                logout(client);
                connections.remove(client);
            }
        }
    }

    private void toEveryone(String line) {
        synchronized (lock) {
            for (Socket to : online.keySet()) {     // the sender too: its receipt
                write(to, line);
            }
        }
    }

    /** REGISTER or LOGIN {@code w[1]} with password {@code w[2]}, after the hashing's sleep. */
    private void answer(Socket client, String[] w, Hashing hashing, boolean register) {
        String verb = register ? "REGISTER" : "LOGIN";
        if (!register) {
            synchronized (lock) {
                if (byesBeforeTheFirstLogin < 0) {
                    byesBeforeTheFirstLogin = byes;
                }
            }
        }
        if (hashing.stallsEveryone()) {
            synchronized (lock) {
                sleep(hashing.millis());
                decide(client, w, verb, register);
            }
        } else {
            sleep(hashing.millis());
            synchronized (lock) {
                decide(client, w, verb, register);
            }
        }
    }

    /** Called with the lock held. */
    private void decide(Socket client, String[] w, String verb, boolean register) {
        String name = w[1];
        if (register && busyEvery > 0 && ++registers % busyEvery == 0) {
            write(client, "ERR REGISTER busy too many passwords being hashed, try again\n");
        } else if (register && passwords.containsKey(name)) {
            write(client, "ERR REGISTER taken that name is taken\n");
        } else if (!register && !w[2].equals(passwords.get(name))) {
            write(client, "ERR LOGIN denied wrong name or password\n");
        } else {
            passwords.put(name, w[2]);
            online.put(client, name);
            write(client, "OK " + verb + " " + name + "\n");
            if (roster) {
                change("+", name, client);
                followers.put(client, new Follower());
                snapshot(client);
            }
        }
    }

    /** The client's user, if it has one, is offline now. Lock held. */
    private void logout(Socket client) {
        String name = online.remove(client);
        followers.remove(client);
        if (name != null && roster) {
            change("-", name, client);
        }
    }

    /** A user came or went: a new version, sent to every client that follows, but {@code who} itself. Lock held. */
    private void change(String sign, String name, Socket who) {
        version++;
        String line = "ROSTER " + sign + " " + version + " " + name + "\n";
        for (Map.Entry<Socket, Follower> e : followers.entrySet()) {
            Follower f = e.getValue();
            if (e.getKey() == who || f.behind) {
                continue;
            }
            if (f.unacked.size() >= WINDOW) {
                f.behind = true;                // it gets a snapshot once it has acknowledged all
                continue;
            }
            write(e.getKey(), line);
            f.unacked.add(version);
            changesSent++;
        }
    }

    /** Who is online now, as one snapshot. Lock held. */
    private void snapshot(Socket to) {
        StringBuilder b = new StringBuilder("ROSTER BEGIN " + version + "\n");
        for (String name : online.values()) {
            b.append("ROSTER USER ").append(name).append('\n');
        }
        b.append("ROSTER END ").append(version).append(' ').append(online.size()).append('\n');
        write(to, b.toString());
        Follower f = followers.get(to);
        if (f != null) {
            f.unacked.add(version);
        }
    }

    /** The client has applied everything up to {@code v}; one that missed changes now gets a snapshot. Lock held. */
    private void ack(Socket client, long v) {
        Follower f = followers.get(client);
        if (f == null || f.unacked.isEmpty() || v > f.unacked.peekLast()) {
            return;                             // nothing outstanding, or a version never sent
        }
        while (!f.unacked.isEmpty() && f.unacked.peekFirst() <= v) {
            f.unacked.poll();
        }
        if (f.unacked.isEmpty() && f.behind) {
            f.behind = false;
            snapshot(client);
        }
    }

    private static void write(Socket to, String line) {
        try {
            OutputStream out = to.getOutputStream();
            out.write(line.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // that client is gone; its own thread cleans up
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void daemon(Runnable r) {
        Thread t = new Thread(r, "account-server");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        later.shutdownNow();
        listener.close();
        synchronized (lock) {
            for (Socket c : connections) {
                c.close();
            }
        }
    }
}
