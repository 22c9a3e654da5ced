package io.forewarm.predict.policy;

/**
 * Estimates of heap sizes on a 64-bit HotSpot JVM with compressed references (the default under 32 GB):
 * a 12-byte object header, 4-byte references, a 16-byte array header, everything rounded up to 8 bytes.
 */
final class HeapBytes {

    private HeapBytes() {
    }

    /** An object with the given numbers of reference, int (or float), long (or double) and byte fields. */
    static long object(int references, int ints, int longs, int bytes) {
        return align(12 + 4L * references + 4L * ints + 8L * longs + bytes);
    }

    /** An array of {@code length} elements of {@code elementBytes} each. */
    static long array(int length, int elementBytes) {
        return align(16 + (long) length * elementBytes);
    }

    private static long align(long bytes) {
        return (bytes + 7) & ~7L;
    }
}
