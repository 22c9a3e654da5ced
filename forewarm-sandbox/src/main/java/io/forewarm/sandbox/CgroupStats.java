package io.forewarm.sandbox;

import java.util.regex.Pattern;

/** Pure parsers for cgroup statistics files (v1 and v2). */
final class CgroupStats {

    /** Compiled once: these parsers run on every invocation's accounting. */
    private static final Pattern FIELDS = Pattern.compile("\\s+");

    private CgroupStats() {
    }

    /** The value of {@code key} in a flat-keyed file ("key value" lines), or -1 when absent. */
    static long keyed(String text, String key) {
        for (String line : text.split("\n")) {
            String[] f = FIELDS.split(line.trim());
            if (f.length == 2 && f[0].equals(key)) {
                return Long.parseLong(f[1]);
            }
        }
        return -1;
    }

    /** A single-number file ("123" or "max"), -1 for "max" or empty. */
    static long single(String text) {
        String t = text.trim();
        return t.isEmpty() || t.equals("max") ? -1 : Long.parseLong(t);
    }

    /** {read, write} bytes summed over devices from v1 {@code blkio.throttle.io_service_bytes}. */
    static long[] v1Io(String text) {
        long[] rw = {0, 0};
        for (String line : text.split("\n")) {
            String[] f = FIELDS.split(line.trim());
            if (f.length == 3 && f[0].contains(":")) {
                if (f[1].equals("Read")) {
                    rw[0] += Long.parseLong(f[2]);
                } else if (f[1].equals("Write")) {
                    rw[1] += Long.parseLong(f[2]);
                }
            }
        }
        return rw;
    }

    /** {read, write} bytes summed over devices from v2 {@code io.stat}. */
    static long[] v2Io(String text) {
        long[] rw = {0, 0};
        for (String line : text.split("\n")) {
            for (String field : FIELDS.split(line.trim())) {
                if (field.startsWith("rbytes=")) {
                    rw[0] += Long.parseLong(field.substring(7));
                } else if (field.startsWith("wbytes=")) {
                    rw[1] += Long.parseLong(field.substring(7));
                }
            }
        }
        return rw;
    }
}
