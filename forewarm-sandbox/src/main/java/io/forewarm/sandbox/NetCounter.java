package io.forewarm.sandbox;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Pattern;

/**
 * The traffic of one network namespace, from {@code /proc/<pid>/net/dev} of a process inside it (proc(5): the file
 * shows the namespace of that process). The file is opened once and read at offset 0 each time, which the kernel
 * answers afresh, like the cgroup counters; the open file holds a reference to the namespace, so its counters stay
 * readable after every process in it has exited.
 */
final class NetCounter implements AutoCloseable {

    private static final Pattern FIELDS = Pattern.compile("\\s+");

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
     * "name:" the first field is received bytes and the ninth transmitted bytes.
     */
    static long totalBytes(String netDev) {
        long sum = 0;
        for (String line : netDev.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) { // the two header lines
                continue;
            }
            String[] f = FIELDS.split(line.substring(colon + 1).trim());
            if (f.length < 9) {
                throw new IllegalArgumentException("net/dev line has " + f.length + " fields, expected 16: '"
                        + line + "'");
            }
            sum += Long.parseLong(f[0]) + Long.parseLong(f[8]);
        }
        return sum;
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
