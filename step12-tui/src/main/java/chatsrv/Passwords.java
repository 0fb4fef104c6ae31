package chatsrv;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * How passwords are kept: never as they are, only as PBKDF2-HMAC-SHA256 of them, with a salt
 * of 16 random bytes for each account, OWASP's advice for PBKDF2. The salt makes two accounts
 * with one password look different, and makes a table of hashes computed in advance useless;
 * the iterations make each guess cost whoever steals the file as much as a login costs us
 * (600,000 by default, 150 to 250 ms of one core here: notes/performance.md).
 *
 * <p>That cost is the point, and it is why hashing runs on the hashers (Hashers), never on the
 * event loop. Thread-safe: every method may run on any thread at once.
 */
final class Passwords {
    static final int DEFAULT_ITERATIONS = 600_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int iterations;
    /**
     * Checked instead when a LOGIN names no account: the same work, so that neither the answer
     * nor its time tells a name nobody has from a wrong password. Its hash is random, so
     * nothing matches it.
     */
    private final Account nobody;

    Passwords(int iterations) {
        this.iterations = iterations;
        this.nobody = new Account("", iterations, salt(), salt());
    }

    int iterations() {
        return iterations;
    }

    /** A new account for {@code name}, its password hashed with a fresh salt. Takes the time of a hash. */
    Account create(String name, char[] password) {
        byte[] salt = salt();
        return new Account(name, iterations, salt, hash(password, salt, iterations));
    }

    /**
     * Whether {@code password} is the account's (null: no such account, or a password that
     * cannot be anyone's). Takes the time of a hash, whatever the answer.
     */
    boolean matches(Account account, char[] password) {
        Account a = account == null ? nobody : account;
        byte[] hash = hash(password == null ? new char[] {'?'} : password, a.salt(), a.iterations());
        // isEqual looks at every byte whatever it finds: the time of the compare tells nothing
        // of how many bytes of a guess's hash were right.
        return MessageDigest.isEqual(hash, a.hash()) && account != null && password != null;
    }

    /**
     * The password as characters, or null if its bytes are not UTF-8. PBKDF2 in the JDK takes
     * characters and hashes them as UTF-8; bytes that are not UTF-8 would be replaced by U+FFFD
     * on the way, and two different passwords would then be one.
     */
    static char[] decode(ByteBuffer bytes) {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes.duplicate());
            char[] password = new char[chars.remaining()];
            chars.get(password);
            Arrays.fill(chars.array(), '\0');
            return password;
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static byte[] hash(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every JDK: " + e, e);
        } finally {
            spec.clearPassword(); // its copy of the password; the caller clears its own
        }
    }

    private static byte[] salt() {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return salt;
    }
}
