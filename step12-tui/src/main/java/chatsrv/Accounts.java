package chatsrv;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The accounts: those in the user file, which any thread may look up, and the new ones on
 * their way to it. A new account counts only once it is on disk: "OK REGISTER" is the
 * server's word that a restart, or a crash, will not lose it.
 *
 * <p>Writing the file is slow: the whole file, encrypted, to a temporary file, forced to disk,
 * renamed over the old one, and the directory forced (UserFile.save); some milliseconds, most
 * of them waiting for the disk. One thread does it, the users-writer. New accounts wait for
 * it on a queue; each time it takes every account waiting, and writes them all with one
 * rewrite (a group commit, as databases do with their log). Two hundred registrations at once
 * cost a few rewrites, not two hundred, and nothing else waits for the disk meanwhile.
 *
 * <p>Threads: find runs anywhere; reserve and release on the workers; save on the hashers;
 * the writer's loop on its own thread; the callbacks of save on the writer.
 */
final class Accounts {
    private record Pending(Account account, Consumer<Boolean> then) {
    }

    private static final Pending STOP = new Pending(null, null);

    private final Path file;
    private final UserFileCipher cipher;
    private final byte[] key;
    private final Log log;
    /** The accounts on disk, by name. */
    private final ConcurrentHashMap<String, Account> saved = new ConcurrentHashMap<>();
    /** The same, in the order of the file: the writer's own. */
    private final List<Account> inFileOrder;
    /** Names of REGISTERs under way: a second REGISTER of one of them is "taken" at once. Guarded by itself. */
    private final Set<String> reserved = new HashSet<>();
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    /** How many times the file was written; the writer's, read when it has stopped. */
    private long rewrites;

    Accounts(Path file, UserFileCipher cipher, byte[] key, List<Account> loaded, Log log) {
        this.file = file;
        this.cipher = cipher;
        this.key = key;
        this.log = log;
        this.inFileOrder = new ArrayList<>(loaded);
        for (Account a : loaded) {
            saved.put(a.name(), a);
        }
        this.writer = new Thread(this::write, "users-writer");
        writer.setDaemon(true);
        writer.start();
    }

    int size() {
        return saved.size();
    }

    /** The account of that name that is on disk, or null. */
    Account find(String name) {
        return saved.get(name);
    }

    /** Claims a name for a REGISTER; false if it has an account, or another REGISTER has claimed it. */
    boolean reserve(String name) {
        synchronized (reserved) {
            return !saved.containsKey(name) && reserved.add(name);
        }
    }

    /** Gives up a claimed name whose account will not be saved (no hasher took it). */
    void release(String name) {
        synchronized (reserved) {
            reserved.remove(name);
        }
    }

    /**
     * Queues a new account (its name reserved) to be written; {@code then} learns, on the writer's
     * thread, whether it is on disk now (true) or could not be written (false: the name is free
     * again).
     */
    void save(Account account, Consumer<Boolean> then) {
        queue.add(new Pending(account, then));
    }

    /** The writer's loop: waits for new accounts, writes all those waiting in one go, says so to each. */
    private void write() {
        List<Pending> batch = new ArrayList<>();
        try {
            while (true) {
                batch.add(queue.take());
                queue.drainTo(batch);
                boolean stop = batch.remove(STOP);
                if (!batch.isEmpty()) {
                    writeBatch(batch);
                }
                batch.clear();
                if (stop) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            // stopped while idle: nothing is half written
        }
    }

    private void writeBatch(List<Pending> batch) {
        long start = System.nanoTime();
        int before = inFileOrder.size();
        for (Pending p : batch) {
            inFileOrder.add(p.account());
        }
        boolean ok;
        try {
            UserFile.save(file, inFileOrder, cipher, key);
            rewrites++;
            ok = true;
            log.info("users: wrote %s with %d new account%s (%d in all) in %s ms, rewrite %d", file, batch.size(),
                    batch.size() == 1 ? "" : "s", inFileOrder.size(), String.format("%.1f", (System.nanoTime() - start) / 1e6), rewrites);
        } catch (IOException | RuntimeException e) {
            inFileOrder.subList(before, inFileOrder.size()).clear(); // the file on disk is still the old one
            ok = false;
            log.info("users: could not write %s: %s; %d registration%s refused", file, e.getMessage(), batch.size(),
                    batch.size() == 1 ? "" : "s");
        }
        synchronized (reserved) {
            for (Pending p : batch) {
                if (ok) {
                    saved.put(p.account().name(), p.account()); // before the name is free: never neither
                }
                reserved.remove(p.account().name());
            }
        }
        for (Pending p : batch) {
            p.then().accept(ok);
        }
    }

    /**
     * Lets the writer finish the accounts already queued, waiting for it at most {@code timeoutNanos};
     * returns how many rewrites it did in all.
     */
    long stop(long timeoutNanos) throws InterruptedException {
        queue.add(STOP);
        writer.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos)));
        return rewrites;
    }
}
