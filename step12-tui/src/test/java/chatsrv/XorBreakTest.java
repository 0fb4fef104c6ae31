package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Breaking the xor cipher with known plain text: from a user file's bytes, and what anyone may
 * know (the file's public format, one user's name, the default iteration count), the whole
 * key, and with it every account's salt and hash.
 */
class XorBreakTest {
    @TempDir
    Path dir;

    @Test
    void theFileAndOneKnownNameGiveTheKeyAndEveryHash() throws Exception {
        // The server's side: a secret key, and one account saved with xor.
        SecureRandom random = new SecureRandom();
        byte[] key = new byte[32];
        byte[] salt = new byte[16];
        byte[] hash = new byte[32];
        random.nextBytes(key);
        random.nextBytes(salt);
        random.nextBytes(hash);
        Path file = dir.resolve("users.db");
        UserFile.save(file, List.of(new Account("alice", 600000, salt, hash)), new XorCipher(), key);

        // The attacker's side: the file's bytes, and nothing else of the server's.
        byte[] stolen = Files.readAllBytes(file);
        byte[] recovered = recoverKey(stolen, "alice", 600000);
        String plain = decrypt(stolen, recovered);

        assertThat(recovered).isEqualTo(key);
        String[] fields = plain.split("\n")[1].split(":");
        assertThat(fields[0]).isEqualTo("alice");
        assertThat(Base64.getDecoder().decode(fields[2])).as("salt").isEqualTo(salt);
        assertThat(Base64.getDecoder().decode(fields[3])).as("hash").isEqualTo(hash);
    }

    /**
     * The key, from the file and what the attacker knows of its plain text.
     *
     * <p>xor wrote file[i] = plain[i] ^ key[i % 32]. XOR is its own inverse, so wherever we know
     * plain[i], key[i % 32] = file[i] ^ plain[i]. We know the first 37 bytes of the plain text:
     * the header every user file starts with (24 bytes, public: it is in the source), then the
     * first account's line up to its salt: a name we know (6 bytes with its ':') and the
     * iteration count (7 bytes with its ':'), which is the server's default. 37 >= 32: that is
     * every byte of the key.
     */
    static byte[] recoverKey(byte[] file, String knownName, int knownIterations) {
        byte[] cipherText = afterFirstLine(file);
        byte[] known = ("chatsrv users, format 1\n" + knownName + ":" + knownIterations + ":")
                .getBytes(StandardCharsets.US_ASCII);
        if (known.length < 32) {
            throw new IllegalArgumentException("only " + known.length + " known bytes: some of the key stays unknown");
        }
        byte[] key = new byte[32];
        for (int i = 0; i < 32; i++) {
            key[i] = (byte) (cipherText[i] ^ known[i]);
        }
        return key;
    }

    /** Every byte of the plain text, now that the key is known. */
    static String decrypt(byte[] file, byte[] key) {
        byte[] cipherText = afterFirstLine(file);
        byte[] plain = new byte[cipherText.length];
        for (int i = 0; i < cipherText.length; i++) {
            plain[i] = (byte) (cipherText[i] ^ key[i % 32]);
        }
        return new String(plain, StandardCharsets.UTF_8);
    }

    /** The file starts with one line in the clear ("chatsrv-users xor\n"); the cipher's bytes follow it. */
    private static byte[] afterFirstLine(byte[] file) {
        int newline = 0;
        while (file[newline] != '\n') {
            newline++;
        }
        return Arrays.copyOfRange(file, newline + 1, file.length);
    }
}
