package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session ends (its connection closes, a newer login replaces it, the idle timer says BYE)
 * while work for it is still under way: a verdict on a worker, lines on a worker, a message in
 * the same pass of the loop. What comes of that work afterwards must reach nobody: no user
 * online on a closed connection, no line from a connection that is no longer its user's, no
 * line after a BYE. Each test holds a worker, or the loop, at the one point where the race is
 * decided, so that it is decided the same way on every run.
 */
class SessionEndTest {
    @TempDir
    Path dir;

    /**
     * The connection closes (here with a reset) after the verdict of its LOGIN was handed to
     * its worker, and before the worker got to it: the login must not put the user online
     * (User.closed), or a ghost would be online for good, on no connection, and messages to it
     * would seem to be delivered.
     */
    @Test
    void aLoginWhoseConnectionClosedBeforeItsVerdictWasHandledPutsNobodyOnline() throws Exception {
        CountDownLatch verdictArrived = new CountDownLatch(1);
        CountDownLatch connectionClosed = new CountDownLatch(1);
        CountDownLatch verdictHandled = new CountDownLatch(1);
        Options options = InProcessServer.options(dir, "--threads", "1");
        try (InProcessServer server = new InProcessServer(options, chat -> new InProcessServer.Delegating(chat) {
            @Override
            public void onVerdict(Connection from, Verdict verdict, Arena arena) {
                boolean theLogin = verdict.verb() == Verb.LOGIN && verdict.name().equals("alice");
                if (theLogin) {
                    verdictArrived.countDown();
                    awaitOrGiveUp(connectionClosed);
                }
                super.onVerdict(from, verdict, arena);
                if (theLogin) {
                    verdictHandled.countDown();
                }
            }
        })) {
            int port = server.port();
            Client.registered(port, "alice").close();
            server.awaitLine("alice logged out");
            try (Client bob = Client.registered(port, "bob"); Client gone = Client.welcomed(port)) {
                String goneAddress = gone.address();
                gone.send("LOGIN alice " + Client.passwordOf("alice") + "\n");
                assertThat(verdictArrived.await(10, TimeUnit.SECONDS)).as("the verdict reached the worker").isTrue();
                gone.reset();
                server.awaitLine("connection terminated: " + goneAddress);
                connectionClosed.countDown();
                assertThat(verdictHandled.await(10, TimeUnit.SECONDS)).as("the worker handled the verdict").isTrue();

                // Nobody is online as alice: a message to her says so, and nobody is replaced
                // when she logs in again.
                bob.send("MSG @alice are you there?\n").expect("ERR MSG offline alice is not online");
                try (Client alice = Client.loggedIn(port, "alice")) {
                    bob.send("MSG @alice now?\n").expect("FROM bob @alice now?");
                    alice.expect("FROM bob @alice now?");
                }
                assertThat(server.count("in place of")).as("a login that replaced someone").isZero();
            }
        }
    }

    /**
     * A login replaces an older one of the same user while the older connection's last lines
     * are still with its worker. When the worker gets to them, the user is someone else's: a
     * message to everyone and one to a user, sent from the older connection, go to nobody.
     */
    @Test
    void linesOfAReplacedLoginHandledAfterTheReplacementGoToNobody() throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch replaced = new CountDownLatch(1);
        CountDownLatch handled = new CountDownLatch(1);
        Options options = InProcessServer.options(dir, "--threads", "2");
        try (InProcessServer server = new InProcessServer(options, chat -> new InProcessServer.Delegating(chat) {
            @Override
            public void onMessages(Connection from, Messages messages, Arena arena) {
                boolean theOldLines = InProcessServer.firstLineIs(messages, "MSG * from the old connection");
                if (theOldLines) {
                    holding.countDown();
                    awaitOrGiveUp(replaced);
                }
                super.onMessages(from, messages, arena);
                if (theOldLines) {
                    handled.countDown();
                }
            }
        })) {
            int port = server.port();
            // Clients go to the workers in turn: the old connection and bob to worker-1, the
            // newer one to worker-2, which logs it in while worker-1 holds the old one's lines.
            Client old = Client.registered(port, "alice");
            Client newer = Client.welcomed(port);
            Client bob = Client.registered(port, "bob");
            old.send("MSG * from the old connection\nMSG @bob from the old connection\n");
            assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();

            newer.send("LOGIN alice " + Client.passwordOf("alice") + "\n").expectSlow("OK LOGIN alice");
            old.expect("BYE logged in from elsewhere");
            assertThat(old.atEndOfStream()).isTrue();
            replaced.countDown();
            assertThat(handled.await(10, TimeUnit.SECONDS)).isTrue();

            // bob's line is handled after the old lines (the same worker, in order), and
            // delivered after anything they led to: it comes first only if they led to nothing.
            bob.send("MSG * after\n").expect("FROM bob * after");
            newer.expect("FROM bob * after");
            old.close();
            newer.close();
            bob.close();
        }
    }

    /**
     * A BYE is the last line a client gets, even when the pass of the loop that queues it also
     * carries out a message to that client decided in the same pass. With --threads 0 the loop
     * runs the chat itself, so the order is fixed: bob's lines are read (his LOGIN hashed at
     * once, its verdict queued), the idle timer then says BYE to alice, and only then, as the
     * loop carries out what was asked, is bob logged in and his message to everyone (alice
     * still among them) made. That message must not follow alice's BYE.
     */
    @Test
    void nothingFollowsAByeNotEvenAMessageMadeInThePassThatSaidIt() throws Exception {
        long idleNanos = TimeUnit.SECONDS.toNanos(1);
        AtomicLong lastRead = new AtomicLong();
        String bobsLogin = "LOGIN bob " + Client.passwordOf("bob");
        Options options = InProcessServer.options(dir, "--threads", "0", "--idle-timeout", "1s");
        try (InProcessServer server = new InProcessServer(options, chat -> new InProcessServer.Delegating(chat) {
            @Override
            public void onMessages(Connection from, Messages messages, Arena arena) {
                if (InProcessServer.firstLineIs(messages, bobsLogin)) {
                    // On the loop's thread: holds the pass that read bob's lines until alice,
                    // who spoke just before, has been silent for the idle timeout, so that the
                    // timer closes her in this very pass.
                    for (long left; (left = lastRead.get() + idleNanos - System.nanoTime()) > 0; ) {
                        LockSupport.parkNanos(left);
                    }
                }
                super.onMessages(from, messages, arena);
                lastRead.set(System.nanoTime());
            }
        })) {
            int port = server.port();
            Client.registered(port, "bob").close();
            server.awaitLine("bob logged out");
            try (Client alice = Client.registered(port, "alice"); Client bob = Client.welcomed(port)) {
                bob.send(bobsLogin + "\nMSG * hello\n");
                bob.expectSlow("OK LOGIN bob").expect("FROM bob * hello");
                assertThat(alice.readUntilEndOfStream()).containsExactly("BYE idle for 1000 ms");
            }
        }
    }

    private static void awaitOrGiveUp(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the server stops
        }
    }
}
