package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The command line: each option does what --help says, and a bad value gets one line and exit code 2. */
class OptionsTest {
    @Test
    void helpListsEveryOptionWithItsDefault() throws Exception {
        try (ServerProcess help = ServerProcess.start("--help")) {
            assertThat(help.awaitExit()).isZero();
            String text = String.join("\n", help.lines());
            assertThat(text).contains("--port=N", "(default: 3100)", "--max-clients=N", "(default: 10000)",
                    "--idle-timeout=TIME", "(default: 0)", "--max-pending=BYTES", "(default: 1m)", "--[no-]prefix", "(default: on");
        }
    }

    @Test
    void aBadValueGetsOneLineAndExitCode2() throws Exception {
        for (String[] args : new String[][] {{"--max-clients", "many"}, {"--idle-timeout", "soon"}, {"--max-pending", "-5"},
                {"--port", "70000"}, {"--colour"}}) {
            try (ServerProcess bad = ServerProcess.start(args)) {
                assertThat(bad.awaitExit()).as(String.join(" ", args)).isEqualTo(2);
                assertThat(bad.errorLines()).as(String.join(" ", args)).singleElement().asString()
                        .startsWith("chatsrv: ").endsWith("(see chatsrv --help)");
            }
        }
    }

    @Test
    void beyondMaxClientsANewClientIsToldTheServerIsFullAndClosed() throws Exception {
        try (ServerProcess server = ServerProcess.start("--port", "0", "--max-clients", "2")) {
            int port = server.port();
            try (Client c1 = Client.connect(port); Client c2 = Client.connect(port)) {
                c1.readLine();
                c2.readLine();
                try (Client c3 = Client.connect(port)) {
                    assertThat(c3.readLine()).contains("full");
                    assertThat(c3.atEndOfStream()).isTrue();
                }
                server.awaitLine("refused connection from 127.0.0.1");

                c1.close();
                server.awaitLine("connection terminated");
                try (Client c4 = Client.connect(port)) {
                    assertThat(c4.readLine()).startsWith("Welcome");
                }
            }
        }
    }

    @Test
    void idleTimeoutDisconnectsOnlyTheSilentClient() throws Exception {
        try (ServerProcess server = ServerProcess.start("--port", "0", "--idle-timeout", "400ms")) {
            int port = server.port();
            try (Client silent = Client.connect(port); Client talker = Client.connect(port)) {
                silent.readLine();
                talker.readLine();
                long start = System.nanoTime();

                // The talker speaks every 100 ms (pacing, not waiting), so it is never silent for 400 ms.
                int sent = 0;
                while (server.count("idle for") == 0) {
                    assertThat(System.nanoTime() - start).as("the silent client was not cut off in 2 s").isLessThan(2_000_000_000L);
                    talker.send("still here\n");
                    sent++;
                    Thread.sleep(100);
                }
                long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

                assertThat(server.awaitLine("idle for")).contains("127.0.0.1:" + silent.localPort()).contains("idle for 400 ms");
                assertThat(elapsedMillis).as("milliseconds until cut off").isBetween(400L, 2000L);
                assertThat(silent.readLine()).endsWith("still here"); // what was sent before it went
                for (int i = 0; i < sent; i++) {
                    assertThat(talker.readLine()).endsWith("still here");
                }
                talker.send("and now?\n");
                assertThat(talker.readLine()).endsWith("and now?");
                assertThat(server.count("idle for")).isEqualTo(1);
            }
        }
    }
}
