package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * --idle-timeout with a pool that is behind: a client whose lines the pool has not got to yet
 * is not silent, and is not closed as idle; a client that really said nothing is.
 */
class PoolIdleTimeoutTest {
    @Test
    void aClientWhoseLinesWaitInThePoolIsNotIdle() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        CountDownLatch handling = new CountDownLatch(1);
        Options options = Options.parse("--threads", "1", "--no-prefix", "--idle-timeout", "1s");
        try (InProcessServer server = new InProcessServer(options, chat -> (from, messages, arena) -> {
            if (messages.get(0).equals(java.nio.ByteBuffer.wrap("wait".getBytes()))) {
                handling.countDown();
                try {
                    stuck.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            chat.onMessages(from, messages, arena);
        })) {
            Client a = Client.connect(server.port());
            a.readLine();
            Client b = Client.connect(server.port());
            b.readLine();
            Client silent = Client.connect(server.port());
            silent.readLine();

            a.send("wait\n"); // its task holds the only worker
            assertThat(handling.await(5, TimeUnit.SECONDS)).isTrue();
            b.send("behind a\n"); // its task waits behind a's

            // The silent client goes once it has been silent 1 s; a and b connected before
            // it and have not been heard by the chat since, but their lines are in the pool.
            server.awaitLine("connection terminated: 127.0.0.1:" + silent.localPort() + " idle for 1000 ms");
            assertThat(server.count("connection terminated: 127.0.0.1:" + a.localPort())).isZero();
            assertThat(server.count("connection terminated: 127.0.0.1:" + b.localPort())).isZero();

            stuck.countDown();
            assertThat(b.readLine()).isEqualTo("wait");
            assertThat(b.readLine()).isEqualTo("behind a");
            a.close();
            b.close();
            silent.close();
        }
    }
}
