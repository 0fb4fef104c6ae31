package chatsrv;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The default cipher, aes-gcm: AES with a 256-bit key in Galois/Counter Mode, from the JDK.
 * Its output is the IV (12 bytes) followed by the ciphertext and GCM's 16-byte tag.
 *
 * <p>GCM authenticates as well as encrypts: the tag is computed over the ciphertext with the
 * key, so decrypt refuses (AEADBadTagException) if a single bit of the IV, the ciphertext or
 * the tag was changed, and also if the key is not the one the bytes were written with. Without
 * that, a changed user file would decrypt to garbage that the server might take for accounts.
 *
 * <p>The IV is fresh and random on every encrypt. GCM is a counter mode: two files encrypted
 * under the same key and IV would XOR to the XOR of their plaintexts (the keystream cancels
 * out), and would give away the authentication key. 12 random bytes make a repeat among the
 * few thousand saves a server does over its life vanishingly unlikely.
 *
 * <p>Threads: none of its own. It keeps no state (a javax.crypto.Cipher is not thread-safe, so
 * each call makes its own; SecureRandom is), so any thread may call it, several at once.
 */
public final class AesGcmCipher implements UserFileCipher {
    private static final int KEY_BYTES = 32;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Public, with no arguments: what ServiceLoader needs to make one. */
    public AesGcmCipher() {
    }

    @Override
    public String name() {
        return "aes-gcm";
    }

    @Override
    public byte[] encrypt(byte[] plain, byte[] key) throws GeneralSecurityException {
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        Cipher aes = aes(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
        byte[] out = new byte[IV_BYTES + aes.getOutputSize(plain.length)];
        System.arraycopy(iv, 0, out, 0, IV_BYTES);
        aes.doFinal(plain, 0, plain.length, out, IV_BYTES);
        return out;
    }

    @Override
    public byte[] decrypt(byte[] encrypted, byte[] key) throws GeneralSecurityException {
        if (encrypted.length < IV_BYTES + TAG_BITS / 8) {
            // Cut short: there is not even room for an IV and a tag, so it cannot be ours.
            throw new AEADBadTagException("too short for aes-gcm: " + encrypted.length + " bytes");
        }
        Cipher aes = aes(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, encrypted, 0, IV_BYTES));
        return aes.doFinal(encrypted, IV_BYTES, encrypted.length - IV_BYTES);
    }

    private static Cipher aes(int mode, byte[] key, GCMParameterSpec iv) throws GeneralSecurityException {
        // AES would take a 16- or 24-byte key just as well, and silently be AES-128 or AES-192.
        if (key.length != KEY_BYTES) {
            throw new InvalidKeyException("aes-gcm needs a " + KEY_BYTES + "-byte key, not " + key.length);
        }
        Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
        aes.init(mode, new SecretKeySpec(key, "AES"), iv);
        return aes;
    }
}
