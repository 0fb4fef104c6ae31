package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line: --help says what each option does and its default, among them where the
 * accounts are kept and how; a bad one gets one line and exit code 2.
 */
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
        // --port, --threads, --users, --secret-file, --cipher, --hash-iterations, --max-clients,
        // --idle-timeout, --max-pending, --select-timeout, --max-events
        assertThat(stated).isEqualTo(11);
        // a default that is a path is that path, relative to where the server starts
        assertThat(defaults.users()).isEqualTo(Path.of("users.db"));
        assertThat(defaults.secretFile()).isEqualTo(Path.of("users.key"));
        assertThat(defaults.cipherPlugin()).as("no plugin unless one is named").isNull();
        assertThat(defaults.trace()).as("the one flag: off unless given").isFalse();
        assertThat(Options.parse("--trace").trace()).isTrue();
    }

    @Test
    void eachOptionWithAValueTakesIt() throws Exception {
        Options o = Options.parse("--users", "/srv/chat/users.db", "--secret-file=/srv/chat/key", "--cipher", "xor",
                "--cipher-plugin", "plugin.jar", "--hash-iterations", "1000", "-p", "4000", "-t", "3");
        assertThat(o.users()).isEqualTo(Path.of("/srv/chat/users.db"));
        assertThat(o.secretFile()).isEqualTo(Path.of("/srv/chat/key"));
        assertThat(o.cipher()).isEqualTo("xor");
        assertThat(o.cipherPlugin()).isEqualTo(Path.of("plugin.jar"));
        assertThat(o.hashIterations()).isEqualTo(1000);
        assertThat(o.port()).isEqualTo(4000);
        assertThat(o.threads()).isEqualTo(3);
    }

    @Test
    void helpListsEveryOptionWithItsDefault() throws Exception {
        try (ServerProcess help = ServerProcess.start("--help")) {
            assertThat(help.awaitExit()).isZero();
            assertThat(help.lines()).anyMatch(l -> l.contains("-p, --port N") && l.contains("(default: 3100)"))
                    .anyMatch(l -> l.contains("--max-clients N"))
                    .anyMatch(l -> l.contains("--idle-timeout T"))
                    .anyMatch(l -> l.contains("--max-pending B"))
                    .anyMatch(l -> l.contains("--users PATH") && l.contains("user file"))
                    .anyMatch(l -> l.contains("--secret-file PATH"))
                    .anyMatch(l -> l.contains("--cipher NAME"))
                    .anyMatch(l -> l.contains("--cipher-plugin JAR"))
                    .anyMatch(l -> l.contains("--hash-iterations N"))
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
            {"--users"}, {"--secret-file"}, {"--cipher"}, {"--cipher-plugin"},
            {"--hash-iterations", "0"}, {"--hash-iterations", "fast"}, {"--prefix"}, {"--no-prefix"},
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
            "--users needs a value", "--secret-file needs a value", "--cipher needs a value", "--cipher-plugin needs a value",
            "--hash-iterations needs a number from 1 to 2147483647, not '0'",
            "--hash-iterations needs a number from 1 to 2147483647, not 'fast'",
            "unknown option '--prefix'", "unknown option '--no-prefix'",
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
    void aValueMayFollowAnEqualsSign(@TempDir Path dir) throws Exception {
        try (ServerProcess server = ServerProcess.start("--port=0", "--users=" + dir.resolve("users.db"),
                "--secret-file=" + dir.resolve("users.key"), "--hash-iterations=" + ServerTest.TEST_ITERATIONS)) {
            assertThat(server.port()).isPositive();
            assertThat(server.awaitLine("users: 0 accounts in " + dir.resolve("users.db")))
                    .contains("key in " + dir.resolve("users.key"));
            assertThat(dir.resolve("users.key")).exists();
        }
    }
}
