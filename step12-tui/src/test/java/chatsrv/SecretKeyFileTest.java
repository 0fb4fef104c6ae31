package chatsrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The key file: made once with 32 random bytes, for its owner alone; refused when others may touch it or it is short. */
class SecretKeyFileTest {
    @TempDir
    Path dir;

    @Test
    void madeWith32RandomBytesForItsOwnerAloneThenReadBack() throws Exception {
        Path path = dir.resolve("secret.key");
        byte[] key = SecretKeyFile.load(path);

        assertThat(key).hasSize(32);
        assertThat(Files.readAllBytes(path)).isEqualTo(key);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).isEqualTo("rw-------");
        assertThat(SecretKeyFile.load(path)).isEqualTo(key);
        // Random: another file gets another key.
        assertThat(SecretKeyFile.load(dir.resolve("other.key"))).isNotEqualTo(key);
    }

    @ParameterizedTest
    @EnumSource(value = PosixFilePermission.class, names = {"GROUP_.*", "OTHERS_.*"}, mode = EnumSource.Mode.MATCH_ANY)
    void refusedWhenGroupOrOthersHaveAnyPermission(PosixFilePermission extra) throws Exception {
        Path path = dir.resolve("secret.key");
        byte[] key = SecretKeyFile.load(path);
        Set<PosixFilePermission> mode = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, extra);
        Files.setPosixFilePermissions(path, mode);

        assertThatThrownBy(() -> SecretKeyFile.load(path))
                .isInstanceOf(SecretKeyFile.Unusable.class)
                .hasMessageContaining(PosixFilePermissions.toString(mode))
                .hasMessageContaining("chmod 600 " + path)
                .message().doesNotContain("\n");
        // And untouched: the operator's chmod is all it needs.
        assertThat(Files.readAllBytes(path)).isEqualTo(key);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        assertThat(SecretKeyFile.load(path)).isEqualTo(key);
    }

    @Test
    void refusedWhenShorterThan32Bytes() throws Exception {
        Path path = dir.resolve("secret.key");
        Files.write(path, new byte[31]);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));

        assertThatThrownBy(() -> SecretKeyFile.load(path))
                .isInstanceOf(SecretKeyFile.Unusable.class)
                .hasMessageStartingWith("key file " + path + " is 31 bytes long, a key is 32")
                .message().doesNotContain("\n");
    }

    @Test
    void aLongerFileGivesItsFirst32Bytes() throws Exception {
        Path path = dir.resolve("secret.key");
        byte[] bytes = new byte[40];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        Files.write(path, bytes);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));

        assertThat(SecretKeyFile.load(path)).isEqualTo(java.util.Arrays.copyOf(bytes, 32));
    }

    @Test
    void aDirectoryThatIsNotThereIsSaidInOneLine() {
        Path path = dir.resolve("no-such-dir").resolve("secret.key");
        assertThatThrownBy(() -> SecretKeyFile.load(path))
                .isInstanceOf(SecretKeyFile.Unusable.class)
                .hasMessageStartingWith("cannot make key file " + path)
                .message().doesNotContain("\n");
    }
}
