package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A client that half-closes (FIN) after its last line still has that line answered and
 * delivered, to others and to itself; even when the line waits for a password check that is
 * still under way as the FIN arrives.
 */
class HalfCloseTest extends ServerTest {
    @Test
    void theLastLineBeforeAHalfCloseIsDelivered() throws Exception {
        try (Client stayer = Client.registered(port, "stayer"); Client leaver = Client.registered(port, "leaver")) {
            leaver.send("MSG * last words\n");
            leaver.shutdownOutput();

            stayer.expect("FROM leaver * last words");
            assertThat(leaver.readUntilEndOfStream()).containsExactly("FROM leaver * last words");
            server.awaitLine("closed by peer");
            server.awaitLine("leaver logged out");
        }
    }

    @Test
    void linesThatWaitForARegistrationAreAnsweredBeforeTheClose() throws Exception {
        try (Client stayer = Client.registered(port, "stayer"); Client leaver = Client.welcomed(port)) {
            leaver.send("REGISTER leaver " + Client.passwordOf("leaver") + "\nMSG * last words\nPING bye\n");
            leaver.shutdownOutput();

            stayer.expect("FROM leaver * last words");
            assertThat(leaver.readUntilEndOfStream()).containsExactly("OK REGISTER leaver", "FROM leaver * last words", "PONG bye");
            server.awaitLine("closed by peer");
            server.awaitLine("leaver logged out");
        }
    }

    @Test
    void linesThatWaitForADeniedLoginAreAnsweredBeforeTheClose() throws Exception {
        try (Client leaver = Client.welcomed(port)) {
            leaver.send("LOGIN nobody " + Client.passwordOf("nobody") + "\nMSG * not sent\nPING bye\n");
            leaver.shutdownOutput();

            // the denial comes 100 ms after the hash, and what waited for it after it
            assertThat(leaver.readUntilEndOfStream()).containsExactly("ERR LOGIN denied wrong name or password",
                    "ERR MSG not-logged-in log in first: LOGIN <name> <password>", "PONG bye");
            server.awaitLine("closed by peer");
        }
    }
}
