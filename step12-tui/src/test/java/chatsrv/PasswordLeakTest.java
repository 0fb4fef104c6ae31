package chatsrv;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * Nothing the server writes gives a password away: not its log, not its answers, not the user
 * file, whatever way the password came (a registration, a login right or wrong, a password
 * typed without its name or on a line of its own, a line too long).
 */
class PasswordLeakTest extends ServerTest {
    private static final String SECRET = "correct horse battery staple 42";

    @Test
    void noPasswordInTheLogTheAnswersOrTheUserFile() throws Exception {
        StringBuilder answers = new StringBuilder();
        try (Client c = Client.welcomed(port)) {
            c.send("REGISTER alice " + SECRET + "\n");
            answers.append(c.readLine()).append('\n');
            c.send("QUIT\n");
            answers.append(c.readLine()).append('\n');
        }
        try (Client c = Client.welcomed(port)) {
            c.send("LOGIN alice " + SECRET + " but wrong\n");
            answers.append(c.readLine()).append('\n');
            c.send("LOGIN " + SECRET + "\n"); // the name forgotten: the password looks like a name
            answers.append(c.readLine()).append('\n');
            c.send("LOGIN alice " + SECRET + " " + "x".repeat(1100) + "\n"); // too long: refused whole
            answers.append(c.readLine()).append('\n');
            c.send(SECRET + "\n"); // typed on a line of its own, as if the server had asked for it
            answers.append(c.readLine()).append('\n');
            c.send("LOGIN alice " + SECRET + "\n");
            answers.append(c.readLine()).append('\n');
            assertThat(answers).contains("OK REGISTER alice", "OK LOGIN alice");
        }
        server.close(); // everything flushed: the log and the file are complete
        server.awaitExit();
        String log = String.join("\n", server.lines()) + String.join("\n", server.errorLines());
        assertThat(log).contains("REGISTER alice (password not logged)");
        byte[] file = Files.readAllBytes(dir.resolve("users.db"));
        for (String piece : new String[] {SECRET, "horse battery", Base64.getEncoder().encodeToString(SECRET.getBytes(UTF_8))}) {
            assertThat(log).as("the log").doesNotContain(piece);
            assertThat(answers.toString()).as("the answers").doesNotContain(piece);
            assertThat(new String(file, UTF_8)).as("the user file").doesNotContain(piece);
        }
        assertThat(new String(file, UTF_8)).as("the user file hides the names too").doesNotContain("alice");
    }
}
