package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bug in the chat's rules that throws on a worker, an exception or an error, costs the client
 * whose message (or whose password's verdict) it was its connection, with a line in the log:
 * the chat never tells the loop it is done with that read, so the pool disconnects the client.
 * The worker, and everyone else, go on; the user is logged out.
 */
class WorkerFailureTest {
    @TempDir
    Path dir;

    @Test
    void aTaskThatThrowsClosesItsClientAndTheWorkerGoesOn() throws Exception {
        failsAndGoesOn(new IllegalStateException("a bug in the chat's rules"));
    }

    @Test
    void anErrorToo() throws Exception {
        failsAndGoesOn(new StackOverflowError("a bug in the chat's rules"));
    }

    private static void raise(Throwable failure) {
        if (failure instanceof Error e) {
            throw e;
        }
        throw (RuntimeException) failure;
    }

    private void failsAndGoesOn(Throwable failure) throws Exception {
        Options options = InProcessServer.options(dir, "--threads", "1");
        try (InProcessServer server = new InProcessServer(options, chat -> new InProcessServer.Delegating(chat) {
            @Override
            public void onMessages(Connection from, Messages messages, Arena arena) {
                if (InProcessServer.firstLineIs(messages, "MSG * boom")) {
                    raise(failure);
                }
                super.onMessages(from, messages, arena);
            }
        })) {
            Client victim = Client.registered(server.port(), "victim");
            Client other = Client.registered(server.port(), "other");
            String victimName = victim.address();

            victim.send("MSG * boom\n");

            assertThat(server.awaitLine("worker-1 failed on a message from " + victimName))
                    .endsWith(failure.toString());
            assertThat(server.awaitLine("connection terminated: " + victimName))
                    .contains("its message failed on worker-1: " + failure);
            assertThat(victim.atEndOfStream()).isTrue();
            server.awaitLine("victim logged out");
            // The same worker serves the other client, and a new one; nobody got the message.
            other.send("MSG * after the failure\n").expect("FROM other * after the failure");
            other.send("MSG @victim are you there?\n").expect("ERR MSG offline victim is not online");
            try (Client late = Client.registered(server.port(), "late")) {
                late.send("MSG * and a newcomer\n").expect("FROM late * and a newcomer");
                other.expect("FROM late * and a newcomer");
            }
            victim.close();
            other.close();
        }
    }

    @Test
    void aVerdictThatThrowsClosesItsClientAndTheWorkerGoesOn() throws Exception {
        Options options = InProcessServer.options(dir, "--threads", "1");
        IllegalStateException failure = new IllegalStateException("a bug in the chat's rules");
        try (InProcessServer server = new InProcessServer(options, chat -> new InProcessServer.Delegating(chat) {
            @Override
            public void onVerdict(Connection from, Verdict verdict, Arena arena) {
                if (verdict.name().equals("victim")) {
                    throw failure;
                }
                super.onVerdict(from, verdict, arena);
            }
        })) {
            Client other = Client.registered(server.port(), "other");
            Client victim = Client.welcomed(server.port());
            String victimName = victim.address();

            victim.send("LOGIN victim " + Client.passwordOf("victim") + "\nPING waits-for-the-verdict\n");

            assertThat(server.awaitLine("worker-1 failed on a message from " + victimName)).endsWith(failure.toString());
            assertThat(server.awaitLine("connection terminated: " + victimName))
                    .contains("its message failed on worker-1: " + failure);
            assertThat(victim.atEndOfStream()).as("neither the verdict nor the PONG behind it").isTrue();
            // The same worker goes on.
            other.send("PING still-served\n").expect("PONG still-served");
            try (Client late = Client.registered(server.port(), "late")) {
                late.send("MSG * and a newcomer\n").expect("FROM late * and a newcomer");
                other.expect("FROM late * and a newcomer");
            }
            victim.close();
            other.close();
        }
    }
}
