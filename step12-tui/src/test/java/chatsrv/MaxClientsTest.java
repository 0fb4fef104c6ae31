package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * --max-clients: one client too many is told the server is full, with no greeting, and closed;
 * the others are served. Every connection counts, logged in or not.
 */
class MaxClientsTest extends ServerTest {
    @Override
    String[] serverArgs() {
        return args("--max-clients", "2");
    }

    @Test
    void oneTooManyIsToldAndClosedAndItsPlaceIsFreeAgainWhenAClientLeaves() throws Exception {
        try (Client alice = Client.registered(port, "alice"); Client c2 = Client.welcomed(port)) {
            try (Client c3 = Client.connect(port)) {
                assertThat(c3.readUntilEndOfStream()).containsExactly("BYE server full, try again later");
            }
            assertThat(server.awaitLine("refused: server full (--max-clients 2)")).contains("connection terminated: 127.0.0.1:");

            c2.send("REGISTER bob " + Client.passwordOf("bob") + "\n").expect("OK REGISTER bob");
            c2.send("MSG * still served\n").expect("FROM bob * still served");
            alice.expect("FROM bob * still served");
            String leaver = alice.address();
            alice.close();
            server.awaitLine("connection terminated: " + leaver);
            try (Client c4 = Client.welcomed(port)) {
                c4.send("LOGIN alice " + Client.passwordOf("alice") + "\n").expect("OK LOGIN alice");
                c4.send("MSG * back\n").expect("FROM alice * back");
                c2.expect("FROM alice * back");
            }
        }
    }
}
