package chatsrv;

import org.junit.jupiter.api.Test;

/**
 * Mirrors course Test6 (broadcast): every line goes to every client, its sender included, in
 * order. In step10: MSG * from two clients reaches both, as "FROM NAME * TEXT", each sender's
 * in order and in one order for both; a client gets only what was sent while it was logged in.
 */
class Test6BroadcastTest extends ServerTest {
    @Test
    void everyClientGetsEveryLineInOrder() throws Exception {
        try (Client alice = Client.registered(port, "alice"); Client bob = Client.registered(port, "bob")) {
            alice.send("MSG * test1\nMSG * test2\n");
            // alice's receipts: her lines are on everyone's queue now, ahead of anything bob sends next
            alice.expect("FROM alice * test1").expect("FROM alice * test2");
            bob.send("MSG * test");
            bob.send("3\nMSG * test4\n");

            for (Client c : new Client[] {alice, bob}) {
                if (c == bob) {
                    c.expect("FROM alice * test1").expect("FROM alice * test2");
                }
                c.expect("FROM bob * test3").expect("FROM bob * test4");
            }
        }
    }

    @Test
    void aClientGetsOnlyWhatWasSentAfterItLoggedIn() throws Exception {
        try (Client early = Client.registered(port, "early")) {
            early.send("MSG * before\n").expect("FROM early * before");

            try (Client late = Client.welcomed(port)) {
                // connected, but not logged in: no messages yet
                early.send("MSG * while you were out\n").expect("FROM early * while you were out");
                late.send("REGISTER late " + Client.passwordOf("late") + "\n").expect("OK REGISTER late");
                early.send("MSG * after\n");
                late.expect("FROM early * after");
                early.expect("FROM early * after");
            }
        }
    }

    @Test
    void eachLineNamesItsSender() throws Exception {
        try (Client alice = Client.registered(port, "alice"); Client bob = Client.registered(port, "bob")) {
            alice.send("MSG * hi\n");

            bob.expect("FROM alice * hi");
            alice.expect("FROM alice * hi");
        }
    }
}
