package chatsrv;

import java.security.GeneralSecurityException;
import java.util.Random;

/**
 * What a JNI call costs: nanoseconds per encrypt of native-xor (the XOR in C, through JNI)
 * against xor (the same loop in Java), on arrays of 1 byte to 1 MiB. Both copy the input into
 * a new array and XOR it, so on a small array the difference is the cost of going into C and
 * back; on a large one, which loop is faster. (There the C loop has an edge that is not
 * JNI's: gcc compiles {@code i % 32} to {@code i & 31}, 32 being a power of two, while Java's
 * {@code i % key.length} is a division for every byte.)
 *
 * <pre>java -cp step12-tui/target/classes chatsrv.CipherBench</pre>
 *
 * <p>Threads: the main thread only.
 */
final class CipherBench {
    private static final int[] SIZES = {1, 64, 4096, 1024 * 1024};
    /** Bytes each measurement works through, so that every size runs long enough to time... */
    private static final long WORK = 64L * 1024 * 1024;
    /** ...but not too many calls: on 1-byte arrays, 64 Mi calls would take seconds. */
    private static final long MAX_CALLS = 10_000_000;
    /** Keeps the JIT from throwing the results away as unused. */
    private static long sink;

    private CipherBench() {
    }

    public static void main(String[] args) throws GeneralSecurityException {
        UserFileCipher java = new XorCipher();
        UserFileCipher jni = new NativeXorCipher();
        byte[] key = new byte[32];
        new Random(1).nextBytes(key);

        System.out.printf("%10s %14s %14s %12s%n", "bytes", "xor ns/call", "native ns/call", "difference");
        for (int size : SIZES) {
            byte[] data = new byte[size];
            long calls = Math.min(WORK / size, MAX_CALLS);
            // Warm up: let the JIT compile both paths (and load the library) before timing.
            for (int round = 0; round < 3; round++) {
                time(java, data, key, calls / 4);
                time(jni, data, key, calls / 4);
            }
            double javaNs = time(java, data, key, calls);
            double jniNs = time(jni, data, key, calls);
            System.out.printf("%10d %14.1f %14.1f %+12.1f%n", size, javaNs, jniNs, jniNs - javaNs);
        }
        if (sink == 42) {
            System.out.println();
        }
    }

    /** Nanoseconds per call, over calls calls. */
    private static double time(UserFileCipher cipher, byte[] data, byte[] key, long calls)
            throws GeneralSecurityException {
        long start = System.nanoTime();
        for (long i = 0; i < calls; i++) {
            sink += cipher.encrypt(data, key)[0];
        }
        return (double) (System.nanoTime() - start) / calls;
    }
}
