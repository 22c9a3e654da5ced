package io.forewarm.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Keeps the last {@code capacity} bytes written to it, so a chatty stderr cannot exhaust memory. */
final class RingLog {

    private final byte[] buffer;
    private long written;

    RingLog(int capacity) {
        buffer = new byte[capacity];
    }

    /** Appends bytes, overwriting the oldest. */
    synchronized void append(byte[] b, int off, int len) {
        for (int i = 0; i < len; i++) {
            buffer[(int) (written++ % buffer.length)] = b[off + i];
        }
    }

    /** Total bytes ever appended. */
    synchronized long written() {
        return written;
    }

    /** The kept bytes, oldest first, decoded as UTF-8 (a split character at the cut shows as a replacement). */
    synchronized String text() {
        int n = (int) Math.min(written, buffer.length);
        byte[] out = new byte[n];
        int start = (int) ((written - n) % buffer.length);
        for (int i = 0; i < n; i++) {
            out[i] = buffer[(start + i) % buffer.length];
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** The last {@code max} characters of {@link #text()}, for error messages. */
    String tail(int max) {
        String t = text().strip();
        return t.length() <= max ? t : "..." + t.substring(t.length() - max);
    }

    /** Copies {@code in} into this log until it ends, on a virtual thread (returned, to join when it matters). */
    Thread drain(InputStream in, String name) {
        return Thread.ofVirtual().name(name).start(() -> {
            byte[] chunk = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(chunk)) >= 0) {
                    append(chunk, 0, n);
                }
            } catch (IOException e) {
                // the process is gone; what was read is kept
            }
        });
    }
}
