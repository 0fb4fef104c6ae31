package chatsrv;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;

/**
 * The cipher xor: byte i of the file is byte i of the plain text XOR key[i % 32]. This is how
 * the user file was "encrypted" in the design this server started from (a shared library did
 * it; in the end, with XOR). It is kept so that it can be broken, and must not be used.
 *
 * <p>Repeating-key XOR is not encryption:
 * <ul>
 * <li>Known plain text gives the key. plain XOR key = file, so file XOR plain = key. The user
 *     file starts with a fixed header line and then a name the attacker may know: 32 known
 *     bytes at the right offsets give all 32 bytes of the key, and with it every byte of the
 *     file (XorBreakTest does exactly that).
 * <li>It leaks patterns. Equal plain bytes at offsets equal modulo 32 give equal file bytes,
 *     and two files written with the same key XOR to the XOR of their plain texts.
 * <li>It has no integrity. Flipping a bit of the file flips the same bit of the plain text,
 *     and nothing notices: an attacker who can guess where a field is can change it.
 * </ul>
 * AesGcmCipher has none of these faults.
 *
 * <p>Threads: none of its own; it keeps no state, so any thread may call it.
 */
public final class XorCipher implements UserFileCipher {
    private static final int KEY_BYTES = 32;

    /** Public, with no arguments: what ServiceLoader needs to make one. */
    public XorCipher() {
    }

    @Override
    public String name() {
        return "xor";
    }

    @Override
    public byte[] encrypt(byte[] plain, byte[] key) throws GeneralSecurityException {
        return xor(plain, checked(key));
    }

    /** The same operation as encrypt: XOR with the same key twice gives the bytes back. */
    @Override
    public byte[] decrypt(byte[] encrypted, byte[] key) throws GeneralSecurityException {
        return xor(encrypted, checked(key));
    }

    /** A new array: data[i] XOR key[i % key.length]. The reference NativeXorCipher must match. */
    static byte[] xor(byte[] data, byte[] key) {
        byte[] out = new byte[data.length];
        for (int i = 0; i < data.length; i++) {
            out[i] = (byte) (data[i] ^ key[i % key.length]);
        }
        return out;
    }

    static byte[] checked(byte[] key) throws InvalidKeyException {
        if (key.length != KEY_BYTES) {
            throw new InvalidKeyException("xor needs a " + KEY_BYTES + "-byte key, not " + key.length);
        }
        return key;
    }
}
