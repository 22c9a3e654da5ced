package io.forewarm.sandbox;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The traffic of one network namespace, from {@code /proc/<pid>/net/dev} of a process inside it (proc(5): the file
 * shows the namespace of that process). The file is opened once and read at offset 0 each time, which the kernel
 * answers afresh, like the cgroup counters; the open file holds a reference to the namespace, so its counters stay
 * readable after every process in it has exited.
 */
final class NetCounter implements AutoCloseable {

    private final FileChannel file;

    private NetCounter(FileChannel file) {
        this.file = file;
    }

    /**
     * The counter of the network namespace of {@code pid}, or null when that is the host's own (this JVM's): then
     * the traffic there is everyone's, not the sandbox's.
     */
    static NetCounter of(long pid) throws IOException {
        Path proc = Path.of("/proc", Long.toString(pid));
        // a process leaves the host's namespace once, at unshare, and does not come back: one look suffices
        Path own = Files.readSymbolicLink(Path.of("/proc/self/ns/net"));
        if (Files.readSymbolicLink(proc.resolve("ns/net")).equals(own)) {
            return null;
        }
        return new NetCounter(FileChannel.open(proc.resolve("net/dev"), StandardOpenOption.READ));
    }

    /** Bytes received plus bytes sent over every interface of the namespace so far; -1 once closed. */
    long bytes() {
        try {
            return totalBytes(Cgroup.snapshot(file));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Received plus transmitted bytes summed over the interfaces of a {@code net/dev} text: after each
     * "name:" the first field is received bytes and the ninth transmitted bytes. Scanned by hand, without
     * splitting or regular expressions: the usage monitor parses it after every run.
     */
    static long totalBytes(String netDev) {
        long sum = 0;
        int n = netDev.length();
        for (int at = 0; at < n; ) {
            int end = netDev.indexOf('\n', at);
            end = end < 0 ? n : end;
            int colon = netDev.indexOf(':', at);
            if (colon >= 0 && colon < end) { // the two header lines have none
                sum += lineBytes(netDev, colon + 1, end);
            }
            at = end + 1;
        }
        return sum;
    }

    /** Fields 0 (received) plus 8 (transmitted) of the numbers in {@code text[from, to)}. */
    private static long lineBytes(String text, int from, int to) {
        long sum = 0;
        int field = 0;
        int i = from;
        while (true) {
            while (i < to && text.charAt(i) == ' ') {
                i++;
            }
            if (i == to) {
                break;
            }
            long value = 0;
            for (; i < to && text.charAt(i) != ' '; i++) {
                char c = text.charAt(i);
                if (c < '0' || c > '9') {
                    throw bad(text, from, to, "'" + c + "' in a number");
                }
                value = value * 10 + (c - '0');
            }
            if (field == 0 || field == 8) {
                sum += value;
            }
            field++;
        }
        if (field < 9) {
            throw bad(text, from, to, field + " fields, expected 16");
        }
        return sum;
    }

    private static IllegalArgumentException bad(String text, int from, int to, String what) {
        int start = text.lastIndexOf('\n', from) + 1;
        return new IllegalArgumentException("net/dev line has " + what + ": '" + text.substring(start, to) + "'");
    }

    @Override
    public void close() {
        try {
            file.close();
        } catch (IOException e) {
            // closing a proc file cannot lose data
        }
    }
}
