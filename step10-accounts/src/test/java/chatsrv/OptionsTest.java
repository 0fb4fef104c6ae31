package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The command line: --help says what each option does and its default; a bad one gets one line and exit code 2. */
class OptionsTest {
    private static final Pattern NAME = Pattern.compile("(--[a-z-]+)");
    /** The value of a default, before any comma: "(default: 2, the number of cores)" states 2. */
    private static final Pattern DEFAULT = Pattern.compile("\\(default: ([^),]+)[),]");

    /** Each option's entry in --help: its first line and the lines that continue it. */
    private static List<String> entries(String help) {
        List<String> entries = new ArrayList<>();
        for (String line : help.lines().toList()) {
            if (line.trim().startsWith("-")) {
                entries.add(line);
            } else if (!entries.isEmpty() && line.startsWith("    ")) {
                entries.set(entries.size() - 1, entries.get(entries.size() - 1) + " " + line.trim());
            }
        }
        return entries;
    }

    @Test
    void eachDefaultThatHelpStatesIsTheOneParseGives() throws Exception {
        Options defaults = Options.parse();
        int stated = 0;
        for (String entry : entries(Options.HELP)) {
            Matcher value = DEFAULT.matcher(entry);
            Matcher name = NAME.matcher(entry);
            if (value.find() && name.find()) {
                assertThat(Options.parse(name.group(1), value.group(1))).as(entry).isEqualTo(defaults);
                stated++;
            }
        }
        assertThat(stated).isEqualTo(7);
        // and the one flag: on unless --no-prefix
        assertThat(Options.HELP).contains("(default: on)");
        assertThat(defaults.prefix()).isTrue();
        assertThat(Options.parse("--no-prefix").prefix()).isFalse();
    }
    @Test
    void helpListsEveryOptionWithItsDefault() throws Exception {
        try (ServerProcess help = ServerProcess.start("--help")) {
            assertThat(help.awaitExit()).isZero();
            assertThat(help.lines()).anyMatch(l -> l.contains("-p, --port N") && l.contains("(default: 3100)"))
                    .anyMatch(l -> l.contains("--max-clients N"))
                    .anyMatch(l -> l.contains("--idle-timeout T"))
                    .anyMatch(l -> l.contains("--max-pending B"))
                    .anyMatch(l -> l.contains("--[no-]prefix"))
                    .anyMatch(l -> l.contains("-t, --threads N"))
                    .anyMatch(l -> l.contains("--select-timeout MS"))
                    .anyMatch(l -> l.contains("--max-events N"))
                    .anyMatch(l -> l.contains("--trace"))
                    .anyMatch(l -> l.contains("(default: 0)"))
                    .anyMatch(l -> l.contains("-h, --help"));
        }
    }

    @Test
    void aBadCommandLineGetsOneLineThatSaysWhyAndExitCode2() throws Exception {
        String[][] cases = {
            {"--port", "http"}, {"--port", "70000"}, {"--port=-1"}, {"--port"}, {"--colour"}, {"3100"},
            {"--idle-timeout", "soon"}, {"--idle-timeout=5 s"}, {"--idle-timeout", "99999999h"}, {"--max-clients", "many"}, {"--max-clients", "0"},
            {"--max-pending", "-5"}, {"--max-pending", "1g"}, {"--max-pending", "0"},
            {"--threads", "-1"}, {"--threads", "5000"}, {"--max-events", "0"}, {"--select-timeout", "1s"},
        };
        String[] reasons = {
            "--port needs a number from 0 to 65535, not 'http'", "--port needs a number from 0 to 65535, not '70000'",
            "--port needs a number from 0 to 65535, not '-1'", "--port needs a value", "unknown option '--colour'",
            "unknown option '3100'", "--idle-timeout needs a time like 30s, 10m or 500ms, not 'soon'",
            "--idle-timeout needs a time like 30s, 10m or 500ms, not '5 s'", "--idle-timeout can be at most 2562047h, not '99999999h'",
            "--max-clients needs a number from 1 to 2147483647, not 'many'", "--max-clients needs a number from 1 to 2147483647, not '0'",
            "--max-pending needs a size like 65536, 64k or 1m, not '-5'", "--max-pending needs a size like 65536, 64k or 1m, not '1g'",
            "--max-pending needs a size of at least 1 byte",
            "--threads needs a number from 0 to 1024, not '-1'", "--threads needs a number from 0 to 1024, not '5000'",
            "--max-events needs a number from 1 to 2147483647, not '0'",
            "--select-timeout needs a number from 0 to 2147483647, not '1s'",
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
