package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * A bug in the chat's rules that throws on a worker, an exception or an error, costs the client
 * whose message it was its connection, with a line in the log; the worker, and everyone else,
 * go on.
 */
class WorkerFailureTest {
    @Test
    void aTaskThatThrowsClosesItsClientAndTheWorkerGoesOn() throws Exception {
        failsAndGoesOn(new IllegalStateException("a bug in the chat's rules"));
    }

    @Test
    void anErrorToo() throws Exception {
        failsAndGoesOn(new StackOverflowError("a bug in the chat's rules"));
    }

    private static void failsAndGoesOn(Throwable failure) throws Exception {
        Options options = Options.parse("--threads", "1", "--no-prefix");
        try (InProcessServer server = new InProcessServer(options, chat -> (from, messages, arena) -> {
            if (messages.count() > 0 && messages.get(0).equals(ByteBuffer.wrap("boom".getBytes()))) {
                if (failure instanceof Error e) {
                    throw e;
                }
                throw (RuntimeException) failure;
            }
            chat.onMessages(from, messages, arena);
        })) {
            Client victim = Client.connect(server.port());
            victim.readLine();
            Client other = Client.connect(server.port());
            other.readLine();
            String victimName = "127.0.0.1:" + victim.localPort();

            victim.send("boom\n");

            assertThat(server.awaitLine("worker-1 failed on a message from " + victimName))
                    .endsWith(failure.toString());
            assertThat(server.awaitLine("connection terminated: " + victimName))
                    .contains("its message failed on worker-1: " + failure);
            assertThat(victim.atEndOfStream()).isTrue();
            // The same worker serves the other client, and a new one.
            other.send("after the failure\n");
            assertThat(other.readLine()).isEqualTo("after the failure");
            try (Client late = Client.connect(server.port())) {
                late.readLine();
                late.send("and a newcomer\n");
                assertThat(late.readLine()).isEqualTo("and a newcomer");
            }
            victim.close();
            other.close();
        }
    }
}
