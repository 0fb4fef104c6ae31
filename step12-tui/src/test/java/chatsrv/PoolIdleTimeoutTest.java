package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --idle-timeout with a pool that is behind: a client whose lines the pool has not got to yet
 * is not silent, and is not closed as idle; a client that really said nothing is.
 */
class PoolIdleTimeoutTest {
    @TempDir
    Path dir;

    @Test
    void aClientWhoseLinesWaitInThePoolIsNotIdle() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        CountDownLatch handling = new CountDownLatch(1);
        Options options = InProcessServer.options(dir, "--threads", "1", "--idle-timeout", "1s");
        try (InProcessServer server = new InProcessServer(options, chat -> new InProcessServer.Delegating(chat) {
            @Override
            public void onMessages(Connection from, Messages messages, Arena arena) {
                if (InProcessServer.firstLineIs(messages, "MSG * wait")) {
                    handling.countDown();
                    try {
                        stuck.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                super.onMessages(from, messages, arena);
            }
        })) {
            Client a = Client.registered(server.port(), "a");
            Client b = Client.registered(server.port(), "b");
            Client silent = Client.welcomed(server.port());

            a.send("MSG * wait\n"); // its task holds the only worker
            assertThat(handling.await(5, TimeUnit.SECONDS)).isTrue();
            b.send("MSG * behind a\n"); // its task waits behind a's

            // The silent client goes once it has been silent 1 s; a and b spoke last before it
            // connected, and have not been heard by the chat since, but their lines are in the pool.
            server.awaitLine("connection terminated: " + silent.address() + " idle for 1000 ms");
            assertThat(silent.readUntilEndOfStream()).containsExactly("BYE idle for 1000 ms");
            assertThat(server.count("connection terminated: " + a.address())).isZero();
            assertThat(server.count("connection terminated: " + b.address())).isZero();

            stuck.countDown();
            b.expect("FROM a * wait");
            b.expect("FROM b * behind a");
            a.expect("FROM a * wait");
            a.expect("FROM b * behind a");
            a.close();
            b.close();
            silent.close();
        }
    }
}
