package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** --max-clients: one client too many is told the server is full, and closed; the others are served. */
class MaxClientsTest extends ServerTest {
    @Override
    String[] serverArgs() {
        return new String[] {"--port", "0", "--max-clients", "2"};
    }

    @Test
    void oneTooManyIsToldAndClosedAndItsPlaceIsFreeAgainWhenAClientLeaves() throws Exception {
        try (Client c1 = Client.connect(port); Client c2 = Client.connect(port)) {
            assertThat(c1.readLine()).startsWith("Welcome");
            assertThat(c2.readLine()).startsWith("Welcome");
            try (Client c3 = Client.connect(port)) {
                assertThat(c3.readLine()).isEqualTo("Sorry, chatsrv is full. Try again later.");
                assertThat(c3.atEndOfStream()).isTrue();
            }
            assertThat(server.awaitLine("refused: server full (--max-clients 2)")).contains("connection terminated: 127.0.0.1:");

            c2.send("still served\n");
            server.awaitLine("still served");
            int leaver = c1.localPort();
            c1.close();
            server.awaitLine("connection terminated: 127.0.0.1:" + leaver);
            try (Client c4 = Client.connect(port)) {
                assertThat(c4.readLine()).startsWith("Welcome");
            }
        }
    }
}
