package chatsrv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What the kernel says about a process and its sockets, read from /proc as lsof and ss do. */
final class Proc {
    private Proc() {
    }

    /** One row of /proc/net/tcp or /proc/net/tcp6. Addresses stay in the kernel's hex form. */
    record TcpRow(String local, String remote, String state, int rxQueue, long inode) {
        int localPort() {
            return Integer.parseInt(local.substring(local.indexOf(':') + 1), 16);
        }

        static final String LISTEN = "0A";
        static final String TIME_WAIT = "06";
    }

    /** What /proc/PID/fd/N points to, for instance {@code socket:[123456]}. */
    static String fdTarget(long pid, int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "fd", Integer.toString(fd))).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The inode in a {@code socket:[inode]} link. */
    static long socketInode(String target) {
        if (!target.startsWith("socket:[")) {
            throw new IllegalArgumentException("not a socket: " + target);
        }
        return Long.parseLong(target.substring("socket:[".length(), target.length() - 1));
    }

    /** How many descriptors the process has open. */
    static long fdCount(long pid) {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sets a running process's descriptor limit (soft and hard), as `prlimit --nofile` does. */
    static void limitDescriptors(long pid, long limit) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("prlimit", "--pid", Long.toString(pid), "--nofile=" + limit + ":" + limit)
                .inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException("prlimit failed with exit code " + p.exitValue());
        }
    }

    /** CPU time the process has used so far, all threads, in clock ticks (usually 10 ms each). */
    static long cpuTicks(long pid) {
        try {
            return ticks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * CPU time one thread of the process has used so far, in clock ticks: the thread named
     * {@code name}, as top -H shows it (the JVM gives a Java thread's name to the kernel, cut to
     * 15 bytes).
     */
    static long threadCpuTicks(long pid, String name) {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    if (Files.readString(task.resolve("comm")).strip().equals(name)) {
                        return ticks(Files.readString(task.resolve("stat")));
                    }
                } catch (NoSuchFileException e) {
                    // a thread that ended since the listing
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("process " + pid + " has no thread named " + name);
    }

    /** utime + stime from the text of a /proc stat file. */
    private static long ticks(String stat) {
        // after "pid (comm) ": field 3 is the state; utime and stime are fields 14 and 15
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** Every TCP socket the kernel lists, IPv4 and IPv6. */
    static List<TcpRow> tcp() {
        List<TcpRow> rows = new ArrayList<>();
        for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                List<String> lines = Files.readAllLines(Path.of(file));
                for (String line : lines.subList(1, lines.size())) {
                    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                    String[] f = line.trim().split("\\s+");
                    int rxQueue = Integer.parseInt(f[4].substring(f[4].indexOf(':') + 1), 16);
                    rows.add(new TcpRow(f[1], f[2], f[3], rxQueue, Long.parseLong(f[9])));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return rows;
    }
}
