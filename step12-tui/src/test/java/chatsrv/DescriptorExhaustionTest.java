package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Out of descriptors: accept(2) fails with EMFILE while clients keep waiting in the accept
 * queue, so the listener stays readable. The server must neither spin on it nor stop serving:
 * users logged in go on talking, and a client let in later can still log in.
 */
class DescriptorExhaustionTest extends ServerTest {
    private final List<Client> clients = new ArrayList<>();

    @Override
    ServerProcess launch() throws Exception {
        // The JVM itself needs about 20 descriptors; the rest are for clients.
        return ServerProcess.startWithDescriptorLimit(48, withThreads(serverArgs()));
    }

    @AfterEach
    void closeClients() throws Exception {
        for (Client c : clients) {
            c.close();
        }
    }

    @Test
    void runningOutOfDescriptorsNeitherSpinsNorStopsService() throws Exception {
        // Two users, registered while there are descriptors to write the user file with.
        Client alice = Client.registered(port, "alice");
        Client bob = Client.registered(port, "bob");
        clients.add(alice);
        // More clients than descriptors: the kernel completes every handshake, the server cannot accept them all.
        List<Client> flood = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            flood.add(Client.connect(port));
        }
        clients.addAll(flood);
        server.awaitLine("accept failed: Too many open files");
        long accepted = server.count("accepted connection") - 2;
        assertThat(accepted).isBetween(10L, 59L);
        System.out.printf("measured: %d of 60 clients accepted under ulimit -n 48%n", accepted);

        // No spin: with the listener readable and accept failing, a naive loop burns a whole core.
        server.assertNotSpinning();

        // Service goes on for those connected, logged in or not.
        alice.send("MSG * still here\n").expect("FROM alice * still here");
        bob.expect("FROM alice * still here");
        flood.get(1).send("PING still-here\n").expect("Welcome to chatsrv! REGISTER <name> <password> or LOGIN <name> <password>,"
                + " then MSG * <text>, MSG @<name> <text>, JOIN #<group> or MSG #<group> <text>.").expect("PONG still-here");

        // A client leaves, a descriptor comes back, and a waiting client is accepted, logs in
        // (which needs no descriptor) and is served.
        bob.close();
        server.awaitLine("bob logged out");
        await().atMost(Duration.ofSeconds(2)).until(() -> server.count("accepted connection") - 2 > accepted);
        Client waiting = flood.get((int) accepted);
        waiting.readLine(); // the greeting
        waiting.send("LOGIN bob " + Client.passwordOf("bob") + "\n").expect("OK LOGIN bob");
        waiting.send("MSG * in at last\n").expect("FROM bob * in at last");
        alice.expect("FROM bob * in at last");
        assertThat(server.awaitLine(": MSG * in at last")).contains("message from " + waiting.address());
    }

    /**
     * The JVM loads a class on first use, and loading one from a directory of classes (as this
     * test runs the server) needs a descriptor. If the first client ever took the last one, the
     * loop thread would die of NoClassDefFoundError loading Connection at that first accept, and
     * a worker or a hasher at the first line, login or registration. The server loads what they
     * need at start-up; this proves it, through a PING, a denied login, a registration (which
     * cannot be saved without a descriptor, and says so), a login, a message and a close.
     */
    @Test
    void theFirstClientMayTakeTheLastDescriptor() throws Exception {
        Path freshDir = dir.resolve("fresh");
        // An account, made by an earlier run of the server with the same user file: the fresh
        // server has done nothing yet but read it when its first client comes.
        try (ServerProcess earlier = ServerProcess.start(withThreads(argsIn(freshDir)));
                Client alice = Client.registered(earlier.port(), "alice")) {
            earlier.awaitLine("users: wrote");
        }
        try (ServerProcess fresh = ServerProcess.start(withThreads(argsIn(freshDir)))) {
            int freshPort = fresh.port();
            long open = Proc.fdCount(fresh.pid());
            // From now on the server may open exactly one more descriptor: the first client's socket.
            Proc.limitDescriptors(fresh.pid(), open + 1);

            try (Client c1 = Client.welcomed(freshPort); Client c2 = Client.connect(freshPort)) {
                fresh.awaitLine("accept failed: Too many open files");
                c1.send("PING first-words\n").expect("PONG first-words");
                fresh.awaitLine("first-words");
                c1.send("LOGIN nobody " + Client.passwordOf("nobody") + "\n").expect("ERR LOGIN denied wrong name or password");
                c1.send("REGISTER bob " + Client.passwordOf("bob") + "\n")
                        .expect("ERR REGISTER busy could not save the account; try again later");
                c1.send("MSG * not logged in\n").expect("ERR MSG not-logged-in log in first: LOGIN <name> <password>");
                c1.send("LOGIN alice " + Client.passwordOf("alice") + "\n").expect("OK LOGIN alice");
                c1.send("MSG * first message\n").expect("FROM alice * first message");
                c1.send("MSG @alice to myself\n").expect("FROM alice @alice to myself");
                c1.send("half a line");
                c1.close();
                fresh.awaitLine("dropped 11 bytes of an unfinished line");
                fresh.awaitLine("alice logged out");
                c2.readLine(); // the greeting
                c2.send("PING second-client\n").expect("PONG second-client");
                fresh.awaitLine("second-client");
                assertThat(fresh.errorLines()).isEmpty();
            }
        }
    }
}
