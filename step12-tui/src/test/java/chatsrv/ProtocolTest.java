package chatsrv;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * The protocol of notes/protocol.md, one rule a test: each answer with the reason word it must
 * carry. Every ERR is followed by a PING where it matters, to show that nothing else came and
 * the connection still works.
 */
class ProtocolTest extends ServerTest {
    /** User.State's table, walked through: what each state does with each kind of line. */
    @Test
    void everyStateAnswersEachVerbAsTheTableSays() throws Exception {
        try (Client c = Client.welcomed(port)) {
            // AUTHENTICATING
            c.send("MSG * too early\n");
            assertThat(c.readLine()).startsWith("ERR MSG not-logged-in ");
            c.send("PING a\n").expect("PONG a");
            c.send("HELLO\n");
            assertThat(c.readLine()).startsWith("ERR ? syntax ");
            // VERIFYING: what comes meanwhile waits for the verdict, then is answered in order
            c.send("REGISTER alice " + Client.passwordOf("alice") + "\nPING b\nMSG * now\n");
            c.expect("OK REGISTER alice").expect("PONG b").expect("FROM alice * now");
            // CHATTING
            c.send("LOGIN alice " + Client.passwordOf("alice") + "\n");
            assertThat(c.readLine()).startsWith("ERR LOGIN already-logged-in ");
            c.send("REGISTER bob " + Client.passwordOf("bob") + "\n");
            assertThat(c.readLine()).startsWith("ERR REGISTER already-logged-in ");
            c.send("HELLO\n");
            assertThat(c.readLine()).startsWith("ERR ? syntax ");
            c.send("PING c\n").expect("PONG c");
            // CLOSED: after QUIT, nothing more is answered
            c.send("QUIT\nMSG * after quit\nPING d\n").expect("BYE see you");
            assertThat(c.atEndOfStream()).isTrue();
        }
        assertThat(server.count("MSG * after quit")).as("a line after QUIT is not even looked at").isZero();
    }

    @Test
    void twoUsersWriteToEveryoneAndToEachOtherByName() throws Exception {
        try (Client alice = Client.registered(port, "alice"); Client bob = Client.registered(port, "bob")) {
            alice.send("MSG * hello everyone\n");
            alice.expect("FROM alice * hello everyone"); // the echo is the sender's receipt
            bob.expect("FROM alice * hello everyone");
            bob.send("MSG @alice hi alice, it's bob\n");
            bob.expect("FROM bob @alice hi alice, it's bob");
            alice.expect("FROM bob @alice hi alice, it's bob");
            alice.send("MSG @alice a note to self\n").expect("FROM alice @alice a note to self");
            alice.send("PING\n").expect("PONG"); // once only
        }
    }

    @Test
    void aMessageToEveryoneReachesOnlyThoseLoggedIn() throws Exception {
        try (Client alice = Client.registered(port, "alice"); Client stranger = Client.welcomed(port)) {
            alice.send("MSG * psst\n").expect("FROM alice * psst");
            stranger.send("PING after\n").expect("PONG after");
        }
    }

    @Test
    void aMessageToSomeoneOfflineIsRefusedWithOffline() throws Exception {
        try (Client alice = Client.registered(port, "alice")) {
            Client.registered(port, "bob").close(); // has an account, is not online
            server.awaitLine("bob logged out");
            alice.send("MSG @bob are you there\n");
            assertThat(alice.readLine()).startsWith("ERR MSG offline bob");
            alice.send("MSG @nobody-at-all hi\n");
            assertThat(alice.readLine()).startsWith("ERR MSG offline ");
            alice.send("MSG @Not_A_Name! hi\n");
            assertThat(alice.readLine()).startsWith("ERR MSG offline ").doesNotContain("Not_A_Name!");
        }
    }

    @Test
    void verbsAreCaseInsensitiveAndAnswersAreInCapitals() throws Exception {
        try (Client c = Client.welcomed(port)) {
            c.send("register alice " + Client.passwordOf("alice") + "\n").expect("OK REGISTER alice");
            c.send("mSg * lower case\n").expect("FROM alice * lower case");
            c.send("ping x\n").expect("PONG x");
        }
    }

    @Test
    void aLineWithNoVerbGetsSyntaxWithoutItsWordEchoed() throws Exception {
        try (Client c = Client.welcomed(port)) {
            c.send("<script>alert(1)</script> hello\n");
            String err = c.readLine();
            assertThat(err).startsWith("ERR ? syntax ").doesNotContain("script");
            c.send("HELO there\nNICK bob\n"); // other protocols' verbs
            assertThat(c.readLine()).startsWith("ERR ? syntax ");
            assertThat(c.readLine()).startsWith("ERR ? syntax ");
        }
    }

    @Test
    void missingArgumentsGetSyntax() throws Exception {
        try (Client c = Client.welcomed(port)) {
            c.send("REGISTER alice\n");
            assertThat(c.readLine()).startsWith("ERR REGISTER syntax ");
            c.send("LOGIN\n");
            assertThat(c.readLine()).startsWith("ERR LOGIN syntax ");
            c.send("REGISTER alice \n"); // an empty password
            assertThat(c.readLine()).startsWith("ERR REGISTER syntax ");
            c.send("REGISTER alice " + Client.passwordOf("alice") + "\n").expect("OK REGISTER alice");
            for (String bad : new String[] {"MSG", "MSG *", "MSG * ", "MSG @alice", "MSG hello there"}) {
                c.send(bad + "\n");
                assertThat(c.readLine()).as(bad).startsWith("ERR MSG syntax ");
            }
            c.send("PING a b\n");
            assertThat(c.readLine()).startsWith("ERR PING syntax ");
            c.send("PING\n").expect("PONG");
        }
    }

    @Test
    void aNameOutsideTheAlphabetGetsBadName() throws Exception {
        try (Client c = Client.welcomed(port)) {
            for (String name : new String[] {"Alice", "a".repeat(33), "al.ice", "élise", "al\tice"}) {
                c.send("REGISTER " + name + " some password\n");
                assertThat(c.readLine()).as(name).startsWith("ERR REGISTER bad-name ");
            }
            c.send(bytes("REGISTER al\0ice pw\n"));
            assertThat(c.readLine()).startsWith("ERR REGISTER bad-name ");
            c.send(concat("REGISTER al".getBytes(UTF_8), new byte[] {(byte) 0xc3, (byte) 0x28}, " pw\n".getBytes(UTF_8)));
            assertThat(c.readLine()).startsWith("ERR REGISTER bad-name ");
            c.send("REGISTER " + "a".repeat(32) + " pw\n").expect("OK REGISTER " + "a".repeat(32));
        }
    }

    @Test
    void aPasswordThatIsNotUtf8CannotBeRegisteredAndNeverMatches() throws Exception {
        try (Client c = Client.welcomed(port)) {
            c.send(concat("REGISTER alice x".getBytes(UTF_8), new byte[] {(byte) 0xff, (byte) 0xfe}, "\n".getBytes(UTF_8)));
            assertThat(c.readLine()).startsWith("ERR REGISTER syntax ").contains("UTF-8");
            c.send("REGISTER alice x\uFFFD\uFFFD\n").expect("OK REGISTER alice"); // what a decoder would have made of it
        }
        try (Client c = Client.welcomed(port)) {
            c.send(concat("LOGIN alice x".getBytes(UTF_8), new byte[] {(byte) 0xff, (byte) 0xfe}, "\n".getBytes(UTF_8)));
            assertThat(c.readLine()).startsWith("ERR LOGIN denied ");
        }
    }

    @Test
    void aSecondRegistrationOfANameGetsTaken() throws Exception {
        try (Client alice = Client.registered(port, "alice"); Client other = Client.welcomed(port)) {
            other.send("REGISTER alice another password\n");
            assertThat(other.readLine()).startsWith("ERR REGISTER taken ");
            other.send("LOGIN alice another password\n");
            assertThat(other.readLine()).startsWith("ERR LOGIN denied ");
        }
    }

    @Test
    void aWrongPasswordAndANameNobodyHasGetTheSameDenied() throws Exception {
        Client.registered(port, "alice").close();
        try (Client c = Client.welcomed(port)) {
            c.send("LOGIN alice not the password\n");
            String wrongPassword = c.readLine();
            c.send("LOGIN nobody not the password\n");
            String noSuchName = c.readLine();
            c.send("LOGIN No-Such-Name! not the password\n");
            String badName = c.readLine();
            assertThat(wrongPassword).startsWith("ERR LOGIN denied ").isEqualTo(noSuchName).isEqualTo(badName);
        }
    }

    /**
     * A denial tells nothing by its timing either: a LOGIN for a name nobody has, for a name
     * that cannot be one, or with a password that is not UTF-8, costs the hash that a wrong
     * password costs (against a stand-in account), so that its answer comes no sooner. Shown
     * by the work rather than by the time of the answers, which a busy machine blurs: the CPU
     * the one hasher thread spends on a few of each kind, at the real cost of a hash, against
     * what it spends on as many wrong passwords. A denial given without a hash would cost it
     * next to nothing.
     */
    @Test
    void aNameNobodyHasCostsTheHashAWrongPasswordCosts() throws Exception {
        server.close();
        server = ServerProcess.start(args("--threads", "1", "--hash-iterations", Integer.toString(Passwords.DEFAULT_ITERATIONS)));
        port = server.port();
        Client.registered(port, "alice").close();
        hasherTicks(i -> bytes("LOGIN alice warming up the compiler\n"));

        long wrongPassword = hasherTicks(i -> bytes("LOGIN alice not the password " + i + "\n"));
        long noSuchName = hasherTicks(i -> bytes("LOGIN nobody-" + i + " not the password\n"));
        long badName = hasherTicks(i -> bytes("LOGIN No-Such-Name-" + i + "! not the password\n"));
        long notUtf8 = hasherTicks(i -> concat(bytes("LOGIN alice x" + i), new byte[] {(byte) 0xff, (byte) 0xfe}, bytes("\n")));
        System.out.printf("measured: hasher CPU ticks for %d logins each: wrong password %d, no such name %d, bad name %d,"
                + " password not UTF-8 %d%n", LOGINS_MEASURED, wrongPassword, noSuchName, badName, notUtf8);
        assertThat(wrongPassword).as("ticks for %d hashes at the real cost", LOGINS_MEASURED).isGreaterThan(0);
        assertThat(noSuchName).as("a name nobody has").isGreaterThanOrEqualTo(wrongPassword / 2);
        assertThat(badName).as("a name that cannot be one").isGreaterThanOrEqualTo(wrongPassword / 2);
        assertThat(notUtf8).as("a password that is not UTF-8").isGreaterThanOrEqualTo(wrongPassword / 2);
    }

    private static final int LOGINS_MEASURED = 3;

    /**
     * The CPU ticks hasher-1 spends on LOGINS_MEASURED logins, each from a connection of its own
     * (a first denial each: 100 ms late), all sent at once and all denied.
     */
    private long hasherTicks(IntFunction<byte[]> login) throws Exception {
        long before = Proc.threadCpuTicks(server.pid(), "hasher-1");
        List<Client> clients = new ArrayList<>();
        try {
            for (int i = 0; i < LOGINS_MEASURED; i++) {
                Client c = Client.welcomed(port);
                clients.add(c);
                c.channel.socket().setSoTimeout(Client.SLOW_ANSWER_MILLIS); // behind the others' hashes
                c.send(login.apply(i));
            }
            for (Client c : clients) {
                assertThat(c.readLine()).startsWith("ERR LOGIN denied ");
            }
        } finally {
            for (Client c : clients) {
                c.close();
            }
        }
        return Proc.threadCpuTicks(server.pid(), "hasher-1") - before;
    }

    @Test
    void loggingInTwiceOrRegisteringWhileLoggedInGetsAlreadyLoggedIn() throws Exception {
        try (Client alice = Client.registered(port, "alice")) {
            alice.send("LOGIN alice " + Client.passwordOf("alice") + "\n");
            assertThat(alice.readLine()).startsWith("ERR LOGIN already-logged-in ");
            alice.send("REGISTER carol " + Client.passwordOf("carol") + "\n");
            assertThat(alice.readLine()).startsWith("ERR REGISTER already-logged-in ");
            alice.send("MSG * still alice\n").expect("FROM alice * still alice");
        }
    }

    @Test
    void aSecondLoginOfAUserReplacesTheFirst() throws Exception {
        try (Client first = Client.registered(port, "alice"); Client bob = Client.registered(port, "bob");
                Client second = Client.loggedIn(port, "alice")) {
            first.expect("BYE logged in from elsewhere");
            assertThat(first.atEndOfStream()).isTrue();
            bob.send("MSG @alice to the new one\n").expect("FROM bob @alice to the new one");
            second.expect("FROM bob @alice to the new one");
            server.awaitLine("in place of");
        }
    }

    @Test
    void pipelinedLinesAfterALoginWaitForItsVerdictAndComeInOrder() throws Exception {
        Client.registered(port, "alice").close();
        try (Client c = Client.welcomed(port)) {
            c.send("LOGIN alice " + Client.passwordOf("alice") + "\nMSG * first\nPING two\nMSG * third\n");
            c.expect("OK LOGIN alice").expect("FROM alice * first").expect("PONG two").expect("FROM alice * third");
        }
    }

    /**
     * Lines sent in one go are answered in the order they were sent, whatever each leads to: a
     * run of messages to everyone (which the chat delivers as one, Chat.Outbox), a message to
     * one user, a PING, and each kind of error in between. The sender gets its receipts and
     * answers in that order, and the recipient its copies.
     */
    @Test
    void linesSentTogetherAreAnsweredInTheOrderSentWhateverEachLeadsTo() throws Exception {
        try (Client alice = Client.registered(port, "alice"); Client bob = Client.registered(port, "bob")) {
            alice.send("MSG * one\nMSG @bob two\nMSG * three\nPING four\nMSG * five\nMSG #group six\nMSG * seven\n"
                    + "MSG *\nMSG * eight\nHELLO nine\nMSG * ten\nMSG * " + "x".repeat(1020) + "\nMSG * eleven\n"
                    + "MSG @nobody twelve\nMSG * thirteen\n");
            alice.expect("FROM alice * one").expect("FROM alice @bob two").expect("FROM alice * three").expect("PONG four")
                    .expect("FROM alice * five");
            assertThat(alice.readLine()).startsWith("ERR MSG not-member ");
            alice.expect("FROM alice * seven");
            assertThat(alice.readLine()).startsWith("ERR MSG syntax ");
            alice.expect("FROM alice * eight");
            assertThat(alice.readLine()).startsWith("ERR ? syntax ");
            alice.expect("FROM alice * ten");
            assertThat(alice.readLine()).startsWith("ERR MSG too-long ");
            alice.expect("FROM alice * eleven");
            alice.expect("ERR MSG offline nobody is not online");
            alice.expect("FROM alice * thirteen");
            for (String text : new String[] {"* one", "@bob two", "* three", "* five", "* seven", "* eight", "* ten", "* eleven",
                    "* thirteen"}) {
                bob.expect("FROM alice " + text);
            }
            alice.send("PING end\n").expect("PONG end");
        }
    }

    @Test
    void aMessageBeforeLoggingInGetsNotLoggedIn() throws Exception {
        try (Client c = Client.welcomed(port)) {
            c.send("MSG * hello\n");
            assertThat(c.readLine()).startsWith("ERR MSG not-logged-in ");
            c.send("MSG @bob hello\n");
            assertThat(c.readLine()).startsWith("ERR MSG not-logged-in ");
        }
    }

    @Test
    void aMessageToAGroupGetsNotMemberUntilGroupsExist() throws Exception {
        try (Client c = Client.registered(port, "alice")) {
            c.send("MSG #friends hi\n");
            assertThat(c.readLine()).startsWith("ERR MSG not-member ");
        }
    }

    @Test
    void pingIsAnsweredInEveryStateAndQuitSaysBye() throws Exception {
        try (Client c = Client.welcomed(port)) {
            c.send("PING\n").expect("PONG");
            c.send("PING tok-1\n").expect("PONG tok-1");
            c.send("\n\r\nPING after-empty-lines\n").expect("PONG after-empty-lines"); // an empty line is nothing
            c.send("QUIT\nPING too-late\n").expect("BYE see you");
            assertThat(c.atEndOfStream()).as("nothing after BYE, and the connection closed").isTrue();
        }
    }

    @Test
    void aLineOverTheLimitIsRefusedWholeWithItsVerb() throws Exception {
        try (Client c = Client.registered(port, "alice")) {
            c.send("LOGIN alice " + "p".repeat(2000) + "\nPING 1\n");
            assertThat(c.readLine()).startsWith("ERR LOGIN too-long ");
            c.expect("PONG 1");
            c.send("MSG * " + "x".repeat(1019) + "\n"); // 1025 bytes
            assertThat(c.readLine()).startsWith("ERR MSG too-long ");
            c.send("MSG * " + "x".repeat(1018) + "\n").expect("FROM alice * " + "x".repeat(1018)); // 1024 bytes: taken
        }
    }

    @Test
    void aMegabyteLineGetsOneErrAndItsRestIsNeverACommand() throws Exception {
        try (Client c = Client.registered(port, "alice")) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            line.write("NOSUCHVERB ".getBytes(UTF_8));
            for (int i = 0; line.size() < 1 << 20; i++) {
                line.write(("\0QUIT MSG * " + i + " ").getBytes(UTF_8)); // commands inside the line are not commands
            }
            line.write("\nPING end\n".getBytes(UTF_8));
            c.send(line.toByteArray());
            assertThat(c.readLine()).startsWith("ERR ? too-long ");
            c.expect("PONG end");
        }
    }

    @Test
    void nulAndControlBytesInATextArePassedOnAsTheyAre() throws Exception {
        try (Client alice = Client.registered(port, "alice"); Client bob = Client.registered(port, "bob")) {
            alice.send(bytes("MSG * a\0b\u0007c\n"));
            assertThat(alice.readLineBytes()).isEqualTo(bytes("FROM alice * a\0b\u0007c"));
            assertThat(bob.readLineBytes()).isEqualTo(bytes("FROM alice * a\0b\u0007c"));
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
