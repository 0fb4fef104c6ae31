package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

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
            // With OP_WRITE left on after the greeting, the always-writable socket would wake the
            // loop over and over.
            server.assertNotSpinning();
        }
    }
}
