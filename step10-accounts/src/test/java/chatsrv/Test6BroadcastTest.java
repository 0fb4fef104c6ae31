package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Mirrors course Test6 (broadcast): every line goes to every client, its sender included, in order. */
class Test6BroadcastTest extends ServerTest {
    @Test
    void everyClientGetsEveryLineInOrder() throws Exception {
        try (Client c1 = Client.connect(port); Client c2 = Client.connect(port)) {
            assertThat(c1.readLine()).startsWith("Welcome");
            assertThat(c2.readLine()).startsWith("Welcome");

            c1.send("test1\ntest2\n");
            server.awaitLine("test2");
            c2.send("test");
            c2.send("3\ntest4\n");

            for (Client c : new Client[] {c1, c2}) {
                assertThat(c.readLine()).endsWith("test1");
                assertThat(c.readLine()).endsWith("test2");
                assertThat(c.readLine()).endsWith("test3");
                assertThat(c.readLine()).endsWith("test4");
            }
        }
    }

    @Test
    void aClientGetsOnlyWhatWasSentAfterItJoined() throws Exception {
        try (Client early = Client.connect(port)) {
            early.readLine();
            early.send("before\n");
            assertThat(early.readLine()).endsWith("before");

            try (Client late = Client.connect(port)) {
                assertThat(late.readLine()).startsWith("Welcome");
                early.send("after\n");
                assertThat(late.readLine()).endsWith("after");
            }
        }
    }

    @Test
    void eachLineIsPrefixedWithItsSendersAddress() throws Exception {
        try (Client c1 = Client.connect(port); Client c2 = Client.connect(port)) {
            c1.readLine();
            c2.readLine();

            c1.send("hi\n");

            assertThat(c2.readLine()).isEqualTo("127.0.0.1:" + c1.localPort() + ": hi");
        }
    }
}
