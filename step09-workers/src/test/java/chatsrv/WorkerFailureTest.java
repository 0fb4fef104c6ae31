package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A bug in the chat's rules that throws on a worker costs the client whose message it was its
 * connection, with a line in the log; the worker, and everyone else, go on.
 */
class WorkerFailureTest {
    @Test
    void aTaskThatThrowsClosesItsClientAndTheWorkerGoesOn() throws Exception {
        Options options = Options.parse("--threads", "1", "--no-prefix");
        try (InProcessServer server = new InProcessServer(options, chat -> (from, messages, arena) -> {
            if (messages.count() > 0 && messages.get(0).equals(java.nio.ByteBuffer.wrap("boom".getBytes()))) {
                throw new IllegalStateException("a bug in the chat's rules");
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
                    .endsWith("java.lang.IllegalStateException: a bug in the chat's rules");
            assertThat(server.awaitLine("connection terminated: " + victimName))
                    .contains("its message failed on worker-1: java.lang.IllegalStateException: a bug in the chat's rules");
            assertThat(victim.atEndOfStream()).isTrue();
            // The same worker serves the other client.
            other.send("after the failure\n");
            assertThat(other.readLine()).isEqualTo("after the failure");
            victim.close();
            other.close();
        }
    }
}
