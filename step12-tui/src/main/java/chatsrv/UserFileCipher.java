package chatsrv;

import java.security.GeneralSecurityException;

/**
 * A way to encrypt the user file as a whole. The server finds its ciphers with
 * java.util.ServiceLoader (META-INF/services/chatsrv.UserFileCipher), in its own jar and in a
 * jar named with --cipher-plugin, and takes the one whose name --cipher gives. Public, so that a
 * plugin in a package of its own can implement it.
 */
public interface UserFileCipher {
    /** The name --cipher knows it by: lower case, no spaces. */
    String name();

    /** The file's bytes for these plain bytes, under a 32-byte key. */
    byte[] encrypt(byte[] plain, byte[] key) throws GeneralSecurityException;

    /**
     * The plain bytes back. A cipher that can tell (one with authentication, such as AES-GCM)
     * throws when the bytes were changed or the key is not the one they were written with.
     */
    byte[] decrypt(byte[] encrypted, byte[] key) throws GeneralSecurityException;
}
