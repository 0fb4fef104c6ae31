package chatsrv;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The complete messages of one read from one client: what the event loop hands to a worker.
 * One read can bring one line or a thousand; they travel together, as one task, so a busy
 * client costs the hand-off one queue entry per read, not one per line.
 *
 * <p>The messages are copied here out of the loop's read buffer, which the next read
 * overwrites. Filled on the loop's thread, then read on a worker's and never changed again:
 * putting it on the worker's queue is what makes every byte visible there (see Workers).
 */
final class Messages {
    private byte[] bytes = new byte[128];
    private int size;
    /** Where each message ends in {@code bytes}; message i starts where message i - 1 ends. */
    private int[] ends = new int[4];
    private int count;
    /** Which messages are only the first MAX_MESSAGE bytes of a longer line (see Connection.read), or null while none is. */
    private boolean[] tooLong;

    void add(ByteBuffer message, boolean cut) {
        int length = message.remaining();
        if (size + length > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(2 * bytes.length, size + length));
        }
        if (count == ends.length) {
            ends = Arrays.copyOf(ends, 2 * count);
        }
        message.get(message.position(), bytes, size, length);
        size += length;
        if (cut) {
            tooLong = tooLong == null ? new boolean[ends.length] : tooLong;
        }
        if (tooLong != null) {
            tooLong = tooLong.length < ends.length ? Arrays.copyOf(tooLong, ends.length) : tooLong;
            tooLong[count] = cut;
        }
        ends[count++] = size;
    }

    /** Whether message i is the start of a line too long to take (the rest of it was dropped). */
    boolean tooLong(int i) {
        return tooLong != null && tooLong[i];
    }

    int count() {
        return count;
    }

    /** Message i, without its '\n', as a buffer of its own over these bytes. */
    ByteBuffer get(int i) {
        int start = i == 0 ? 0 : ends[i - 1];
        return ByteBuffer.wrap(bytes, start, ends[i] - start).slice();
    }
}
