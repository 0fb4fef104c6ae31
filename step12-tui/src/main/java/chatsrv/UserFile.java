package chatsrv;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The user file (users.db): every account, encrypted whole with the server's key.
 *
 * <p>On disk it is one plain ASCII line, {@code chatsrv-users <cipher>\n}, then the cipher's
 * bytes. The line is there so that a file written with one cipher and read with another is
 * told apart from a damaged one, and the operator told which --cipher to start with.
 *
 * <p>Decrypted, it is text: the line {@code chatsrv users, format 1\n}, then one line per
 * account, {@code name:iterations:salt:hash\n}, the salt and hash in Base64 (standard, padded).
 * The first line also checks the key for ciphers that cannot tell a wrong one (XOR turns a
 * wrong key into garbage, not an error): garbage does not start with it.
 *
 * <p>Threads: load runs on the main thread, before the server serves anyone. save may run on
 * any thread, but on one at a time for a given file: its temporary file has a fixed name.
 */
final class UserFile {
    static final String FORMAT = "chatsrv users, format 1\n";
    static final String MAGIC = "chatsrv-users ";
    /** The outer line is short; a file without a newline this early is not ours. */
    private static final int MAX_FIRST_LINE = 100;

    /** Why the user file cannot be read, in one line that names it and says what to do. */
    static final class Unreadable extends Exception {
        Unreadable(String message) {
            super(message);
        }
    }

    private UserFile() {
    }

    /** The accounts in file, in the file's order; none if there is no such file. Never writes. */
    static List<Account> load(Path file, UserFileCipher cipher, byte[] key) throws Unreadable {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new Unreadable("cannot read user file " + file + ": " + e);
        }
        int newline = indexOf(bytes, (byte) '\n', MAX_FIRST_LINE);
        String first = newline < 0 ? "" : new String(bytes, 0, newline, StandardCharsets.US_ASCII);
        if (!first.startsWith(MAGIC)) {
            throw new Unreadable(file + " is not a chatsrv user file: move it away, or restore it from a backup");
        }
        String writtenWith = first.substring(MAGIC.length());
        if (!writtenWith.equals(cipher.name())) {
            throw new Unreadable(file + " was written with cipher " + writtenWith + "; start with --cipher " + writtenWith);
        }
        byte[] plain;
        try {
            plain = cipher.decrypt(Arrays.copyOfRange(bytes, newline + 1, bytes.length), key);
        } catch (GeneralSecurityException e) {
            // For aes-gcm, the tag did not match: changed bytes and a wrong key look the same.
            throw new Unreadable(file + " cannot be decrypted (changed, or written with another key): "
                    + "start with the key file it was written with, or restore it from a backup");
        }
        return parse(plain, file);
    }

    /** Writes accounts to file, replacing it whole or not at all. */
    static void save(Path file, List<Account> accounts, UserFileCipher cipher, byte[] key) throws IOException {
        byte[] head = (MAGIC + cipher.name() + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] body;
        try {
            body = cipher.encrypt(format(accounts), key);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot encrypt " + file + " with cipher " + cipher.name() + ": " + e.getMessage(), e);
        }
        // Written beside the file and renamed over it: rename(2) replaces one directory entry
        // with another in a single step, so after a crash the name leads to the old file or to
        // the new one, never to half of one, as writing into users.db itself could leave.
        // Beside it, because rename works only within one file system.
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        // One left by a crash: delete it rather than truncate it, since an existing file keeps
        // its owner and mode, and this one must be made rw------- like the key (it holds hashes).
        Files.deleteIfExists(tmp);
        try (FileChannel channel = FileChannel.open(tmp,
                EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), SecretKeyFile.OWNER_ONLY)) {
            // A gathering write: both buffers in one writev(2), looped in case it writes less.
            ByteBuffer[] buffers = {ByteBuffer.wrap(head), ByteBuffer.wrap(body)};
            while (buffers[1].hasRemaining()) {
                channel.write(buffers);
            }
            // fsync before the rename. Otherwise the kernel may write the rename to disk before
            // the data, and a power cut in between leaves users.db empty or partly written: the
            // old accounts gone and the new not there. (ext4's auto_da_alloc writes the data out
            // before committing such a rename, but only on ext4, in its default data=ordered
            // mode, when the rename replaces a file: not the first save, not a promise.)
            channel.force(true);
        }
        // ATOMIC_MOVE is rename(2), which on Linux replaces an existing target (the JDK's
        // documentation leaves that to the system; REPLACE_EXISTING is ignored with it).
        // A save that fails before this line leaves users.db as it was (and perhaps the .tmp,
        // which the next save deletes).
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        forceDirectoryOf(file);
    }

    /**
     * fsync on the directory holding file. A file's name is an entry in its directory, and
     * the rename (or creation) that changed that entry is only sure to be on disk once the
     * directory is: until then, a power cut may bring back the old name, or no name at all.
     */
    static void forceDirectoryOf(Path file) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** The plain text of the file, before encryption. */
    static byte[] format(List<Account> accounts) {
        Base64.Encoder base64 = Base64.getEncoder();
        StringBuilder text = new StringBuilder(FORMAT);
        for (Account account : accounts) {
            // A ':' or newline in a name would make the file say something else when read.
            if (account.name().isEmpty() || account.name().contains(":") || account.name().contains("\n")) {
                throw new IllegalArgumentException("a name in the user file cannot be empty or hold ':' or a newline");
            }
            text.append(account.name()).append(':').append(account.iterations()).append(':')
                    .append(base64.encodeToString(account.salt())).append(':')
                    .append(base64.encodeToString(account.hash())).append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The accounts in plain text; a message naming file if it is not the format. */
    static List<Account> parse(byte[] plain, Path file) throws Unreadable {
        String text = new String(plain, StandardCharsets.UTF_8);
        if (!text.startsWith(FORMAT)) {
            // Where a cipher without authentication (xor) shows that the key is wrong.
            throw new Unreadable(file + " does not decrypt to a user file (written with another key?): "
                    + "start with the key file it was written with, or restore it from a backup");
        }
        List<Account> accounts = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int lineNumber = 1;
        for (int start = FORMAT.length(); start < text.length(); ) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                throw new Unreadable(file + " ends in the middle of an account: restore it from a backup");
            }
            lineNumber++;
            Account account = account(text.substring(start, end), lineNumber, file);
            if (!names.add(account.name())) {
                throw new Unreadable(file + " has two accounts named " + account.name() + ": restore it from a backup");
            }
            accounts.add(account);
            start = end + 1;
        }
        return accounts;
    }

    private static Account account(String line, int lineNumber, Path file) throws Unreadable {
        // Never quote the line: it holds a hash.
        String bad = file + ", line " + lineNumber + ": not an account (name:iterations:salt:hash): restore it from a backup";
        String[] fields = line.split(":", -1);
        if (fields.length != 4 || fields[0].isEmpty() || fields[2].isEmpty() || fields[3].isEmpty()) {
            throw new Unreadable(bad);
        }
        try {
            int iterations = Integer.parseInt(fields[1]);
            if (iterations < 1) {
                throw new Unreadable(bad);
            }
            return new Account(fields[0], iterations, Base64.getDecoder().decode(fields[2]),
                    Base64.getDecoder().decode(fields[3]));
        } catch (IllegalArgumentException e) {
            // NumberFormatException is one too.
            throw new Unreadable(bad);
        }
    }

    private static int indexOf(byte[] bytes, byte b, int limit) {
        for (int i = 0; i < Math.min(bytes.length, limit); i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
