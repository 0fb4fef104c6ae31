package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The command line: --help says what each option does and its default; a bad one gets one line and exit code 2. */
class OptionsTest {
    @Test
    void helpListsEveryOptionWithItsDefault() throws Exception {
        try (ServerProcess help = ServerProcess.start("--help")) {
            assertThat(help.awaitExit()).isZero();
            assertThat(help.lines()).anyMatch(l -> l.contains("-p, --port N") && l.contains("(default: 3100)"))
                    .anyMatch(l -> l.contains("--idle-timeout T"))
                    .anyMatch(l -> l.contains("(default: 0)"))
                    .anyMatch(l -> l.contains("-h, --help"));
        }
    }

    @Test
    void aBadCommandLineGetsOneLineThatSaysWhyAndExitCode2() throws Exception {
        String[][] cases = {
            {"--port", "http"}, {"--port", "70000"}, {"--port=-1"}, {"--port"}, {"--colour"}, {"3100"},
            {"--idle-timeout", "soon"}, {"--idle-timeout=5 s"},
        };
        String[] reasons = {
            "--port needs a number from 0 to 65535, not 'http'", "--port needs a number from 0 to 65535, not '70000'",
            "--port needs a number from 0 to 65535, not '-1'", "--port needs a value", "unknown option '--colour'",
            "unknown option '3100'", "--idle-timeout needs a time like 30s, 10m or 500ms, not 'soon'",
            "--idle-timeout needs a time like 30s, 10m or 500ms, not '5 s'",
        };
        for (int i = 0; i < cases.length; i++) {
            try (ServerProcess bad = ServerProcess.start(cases[i])) {
                assertThat(bad.awaitExit()).as(String.join(" ", cases[i])).isEqualTo(2);
                assertThat(bad.errorLines()).as(String.join(" ", cases[i]))
                        .containsExactly("chatsrv: " + reasons[i] + " (try --help)");
            }
        }
    }

    @Test
    void aValueMayFollowAnEqualsSign() throws Exception {
        try (ServerProcess server = ServerProcess.start("--port=0")) {
            assertThat(server.port()).isPositive();
        }
    }
}
