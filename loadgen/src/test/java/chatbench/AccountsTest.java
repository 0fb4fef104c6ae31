package chatbench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AccountsTest {

    private static Accounts.Answer answer(String line) {
        byte[] b = ("xx" + line + "yy").getBytes(StandardCharsets.UTF_8);   // the line in the middle of a read
        return Accounts.Answer.of(b, 2, b.length - 2);
    }

    @Test
    void namesAreValidAndUniqueToTheRun() {
        Accounts a = new Accounts(System.currentTimeMillis());
        // the protocol's names: 1 to 32 of a-z 0-9 _ -
        assertThat(a.name('s', 9_999)).matches("[a-z0-9_-]{1,32}");
        assertThat(a.name('c', 0)).isNotEqualTo(a.name('s', 0));
        assertThat(a.name('s', 1)).isNotEqualTo(new Accounts(System.currentTimeMillis() + 1).name('s', 1));
        assertThat(new String(a.line("LOGIN", 's', 7), StandardCharsets.US_ASCII))
                .isEqualTo("LOGIN " + a.name('s', 7) + " pw-" + a.name('s', 7) + "\n");
    }

    @Test
    void theAnswersToRegisterAndLogin() {
        assertThat(answer("OK REGISTER alice")).isEqualTo(new Accounts.Answer("REGISTER", true, null));
        assertThat(answer("OK LOGIN alice")).isEqualTo(new Accounts.Answer("LOGIN", true, null));
        assertThat(answer("ERR REGISTER busy hashing is full, retry later"))
                .isEqualTo(new Accounts.Answer("REGISTER", false, "busy"));
        assertThat(answer("ERR LOGIN denied wrong name or password"))
                .isEqualTo(new Accounts.Answer("LOGIN", false, "denied"));
    }

    @Test
    void anythingElseIsNoAnswer() {
        assertThat(answer("FROM bob * OK REGISTER alice")).isNull();
        assertThat(answer("OK JOIN #g alice")).isNull();
        assertThat(answer("ERR MSG not-logged-in log in first")).isNull();
        assertThat(answer("ERR REGISTER")).as("no reason").isNull();
        assertThat(answer("OKAY REGISTER alice")).isNull();
        assertThat(answer("ROSTER BEGIN 3")).isNull();
        assertThat(answer("OK")).isNull();
    }
}
