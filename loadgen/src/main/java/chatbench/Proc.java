package chatbench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * What Linux tells about processes in /proc: this JVM's descriptor limit, which process listens
 * on a port, how much memory it holds and how much CPU time it has used. Each answer may be "unknown" (another OS, a process
 * of another user); callers say so instead of guessing.
 */
final class Proc {
    private Proc() {}

    /** The soft limit on open descriptors ("Max open files" in /proc/self/limits), or -1. */
    static long openFileLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or a format we do not know
        }
        return -1;
    }

    /** The resident memory of a process in kB (VmRSS in /proc/PID/status), or -1. */
    static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).replace("kB", "").trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone, or not ours to read
        }
        return -1;
    }

    /**
     * Clock ticks per second in /proc/PID/stat. The kernel's USER_HZ: 100 on every Linux the JVM
     * runs on (sysconf(_SC_CLK_TCK), which Java cannot call; getconf CLK_TCK says the same).
     */
    static final int TICKS_PER_SECOND = 100;

    /**
     * The CPU time a process has used so far, user and system, in nanoseconds (utime + stime,
     * fields 14 and 15 of /proc/PID/stat, in ticks of 10 ms), or -1. The name in field 2 is in
     * parentheses and may hold spaces, so the fields are counted from its closing one.
     */
    static long cpuNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            long ticks = Long.parseLong(f[14 - 3]) + Long.parseLong(f[15 - 3]);     // f[0] is field 3
            return ticks * (1_000_000_000L / TICKS_PER_SECOND);
        } catch (IOException | RuntimeException e) {
            return -1;              // gone, or not ours to read
        }
    }

    /**
     * The process listening on a TCP port. There is no direct way to ask: /proc/net/tcp (and
     * tcp6: a Java server's socket is IPv6 unless opened as INET) gives the listening socket's
     * inode, and the process is the one with a /proc/PID/fd link to "socket:[inode]".
     */
    static OptionalLong pidListeningOn(int port) {
        long inode = -1;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                inode = Math.max(inode, listeningInode(Files.readAllLines(Path.of(table)), port));
            } catch (IOException e) {
                // no such table (IPv6 off)
            }
        }
        if (inode < 0) {
            return OptionalLong.empty();
        }
        String link = "socket:[" + inode + "]";
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                if (holds(proc.resolve("fd"), link)) {
                    return OptionalLong.of(Long.parseLong(proc.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            // fall through: unknown
        }
        return OptionalLong.empty();
    }

    /**
     * The inode of the socket in state LISTEN (0A) on {@code port}, from the lines of a
     * /proc/net/tcp table, or -1. A line: {@code sl local_address rem_address st ... uid timeout inode},
     * addresses as hex IP:PORT.
     */
    static long listeningInode(List<String> table, int port) {
        for (String line : table) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 10 || !f[3].equals("0A") || f[1].indexOf(':') < 0) {
                continue;                // the header, or not listening
            }
            if (Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16) == port) {
                return Long.parseLong(f[9]);
            }
        }
        return -1;
    }

    private static boolean holds(Path fdDir, String link) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).toString().equals(link)) {
                        return true;
                    }
                } catch (IOException e) {
                    // closed while we looked
                }
            }
        } catch (IOException e) {
            // a process that is gone, or not ours to look into
        }
        return false;
    }
}
