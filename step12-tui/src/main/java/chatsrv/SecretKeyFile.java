package chatsrv;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.Set;

/**
 * The server's secret key: 32 random bytes in a file of their own, which the user file is
 * encrypted with. Made on the first start; read on every start after it.
 *
 * <p>The key is only as secret as its file, so the file is made readable by its owner alone
 * from the very first instant, and a key file that anyone else may read (or write, or even
 * execute) is refused rather than used: the operator is told to chmod it, or to suspect that
 * the key has been seen.
 *
 * <p>Threads: the main thread, once, at start.
 */
final class SecretKeyFile {
    static final int BYTES = 32;
    /** rw-------: what the key file is made with, and what UserFile makes its files with. */
    static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    /** Why the key cannot be had, in one line that names the file and says what to do. */
    static final class Unusable extends Exception {
        Unusable(String message) {
            super(message);
        }
    }

    private SecretKeyFile() {
    }

    /**
     * The key in path. If there is no such file, a new key is made there first, and both the
     * file and its directory are forced to disk before the key is returned.
     */
    static byte[] load(Path path) throws Unusable {
        try {
            byte[] key = new byte[BYTES];
            new SecureRandom().nextBytes(key);
            create(path, key);
            return key;
        } catch (FileAlreadyExistsException e) {
            return read(path);
        } catch (IOException e) {
            throw new Unusable("cannot make key file " + path + ": " + e + "; check the directory exists and is writable");
        }
    }

    private static void create(Path path, byte[] key) throws IOException {
        // CREATE_NEW is one open(2) with O_CREAT|O_EXCL: it fails if the file exists, with no
        // moment between "does it exist?" and "make it" in which another process could slip in.
        // The mode goes into that same open(2) (the umask can only take bits away), so the key
        // is never in a file others may read; a chmod afterwards would leave such a moment.
        try (FileChannel channel = FileChannel.open(path,
                EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), OWNER_ONLY)) {
            ByteBuffer bytes = ByteBuffer.wrap(key);
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        // The key must survive a power cut as surely as a user file encrypted with it: one
        // without the other is lost accounts. The file's bytes are forced above; its name is an
        // entry in the directory, which is only durable once the directory is forced too.
        UserFile.forceDirectoryOf(path);
    }

    private static byte[] read(Path path) throws Unusable {
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path);
            // Any bit outside the owner's: group or others may read, write or execute it.
            if (!EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.OWNER_EXECUTE).containsAll(mode)) {
                throw new Unusable("key file " + path + " is open to others ("
                        + PosixFilePermissions.toString(mode) + "): run chmod 600 " + path);
            }
            try (InputStream in = Files.newInputStream(path)) {
                byte[] key = in.readNBytes(BYTES);
                if (key.length < BYTES) {
                    throw new Unusable("key file " + path + " is " + key.length + " bytes long, a key is " + BYTES
                            + ": restore it from a backup (or, if no user file was written with it, delete it for a new key)");
                }
                return key;
            }
        } catch (IOException e) {
            throw new Unusable("cannot read key file " + path + ": " + e);
        }
    }
}
