package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Mirrors course Test4 (welcome): every client's first line starts with "Welcome". In step10
 * the greeting also says how to go on: REGISTER or LOGIN, then MSG.
 */
class Test4WelcomeTest extends ServerTest {
    static final String WELCOME = "Welcome to chatsrv! REGISTER <name> <password> or LOGIN <name> <password>,"
            + " then MSG * <text>, MSG @<name> <text>, JOIN #<group> or MSG #<group> <text>.";

    @Test
    void aClientIsWelcomed() throws Exception {
        try (Client c = Client.connect(port)) {
            assertThat(c.readLine()).startsWith("Welcome").isEqualTo(WELCOME);
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
        try (Client c = Client.connect(port); Client alice = Client.registered(port, "alice")) {
            c.readLine();
            // With OP_WRITE left on after the greeting, the always-writable socket would wake the
            // loop over and over. And a client that has logged in leaves the hashers and the
            // user file's writer asleep too.
            server.assertNotSpinning();
        }
    }
}
