package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Mirrors course Test4 (welcome): every client's first line starts with "Welcome". */
class Test4WelcomeTest extends ServerTest {

    @Test
    void aClientIsWelcomed() throws Exception {
        try (Client c = Client.connect(port)) {
            assertThat(c.readLine()).startsWith("Welcome");
        }
    }

    @Test
    void twoClientsAreEachWelcomed() throws Exception {
        try (Client c1 = Client.connect(port); Client c2 = Client.connect(port)) {
            assertThat(c2.readLine()).startsWith("Welcome");
            assertThat(c1.readLine()).startsWith("Welcome");
        }
    }

    @Test
    void aGreetedClientThatSaysNothingCostsNoCpu() throws Exception {
        try (Client c = Client.connect(port)) {
            c.readLine();
            long before = Proc.cpuTicks(server.pid());

            // With OP_WRITE left on after the greeting, the always-writable socket would wake the
            // loop over and over: a whole core, about 30 ticks in 300 ms. An idle server uses none;
            // a few ticks leave room for the JVM's own compiler and GC threads.
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1))
                    .until(() -> Proc.cpuTicks(server.pid()) - before <= 5);
        }
    }
}
