package io.forewarm.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;

/** Usage of a set of processes read from /proc, for the process fallback that has no cgroup to ask. */
final class ProcStats {

    /** USER_HZ: /proc reports cpu time in ticks of 1/100 s on every Linux architecture Java runs on. */
    static final long NANOS_PER_TICK = 10_000_000L;

    private ProcStats() {
    }

    /** utime + stime in ticks from a /proc/[pid]/stat line (the command name may contain spaces and ')'). */
    static long cpuTicks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** A "Key:   123 kB" value of /proc/[pid]/status in bytes, or -1 when absent. */
    static long statusBytes(String status, String key) {
        for (String line : status.split("\n")) {
            if (line.startsWith(key + ":")) {
                String[] f = line.substring(key.length() + 1).trim().split("\\s+");
                return Long.parseLong(f[0]) * (f.length > 1 && f[1].equals("kB") ? 1024 : 1);
            }
        }
        return -1;
    }

    /**
     * Resets each process's VmHWM to its current RSS by writing 5 to {@code /proc/[pid]/clear_refs} (Linux 4.0+,
     * needs the right to ptrace the process); false if any live process could not be reset. A process started later
     * begins with its own peak anyway.
     */
    static boolean resetPeaks(Collection<Long> pids) {
        boolean all = true;
        for (long pid : pids) {
            Path clear = Path.of("/proc", Long.toString(pid), "clear_refs");
            try {
                Files.writeString(clear, "5", StandardOpenOption.WRITE);
            } catch (IOException e) {
                all &= !Files.exists(clear.getParent()); // a process that exited meanwhile needs no reset
            }
        }
        return all;
    }

    /**
     * Sums usage over {@code pids}, processes that vanished meanwhile skipped, with the partition's own scratch
     * figure; the processes share the host's network namespace, so their network bytes are unknown.
     */
    static Usage sample(Collection<Long> pids, long scratchBytes) {
        long cpu = 0;
        long rss = 0;
        long peak = 0;
        long read = 0;
        long write = 0;
        int alive = 0;
        for (long pid : pids) {
            Path proc = Path.of("/proc", Long.toString(pid));
            try {
                cpu += cpuTicks(Files.readString(proc.resolve("stat"))) * NANOS_PER_TICK;
                String status = Files.readString(proc.resolve("status"));
                rss += Math.max(0, statusBytes(status, "VmRSS"));
                peak += Math.max(0, statusBytes(status, "VmHWM"));
                String io = Files.readString(proc.resolve("io")).replace(":", "");
                read += Math.max(0, CgroupStats.keyed(io, "read_bytes"));
                write += Math.max(0, CgroupStats.keyed(io, "write_bytes"));
                alive++;
            } catch (IOException | RuntimeException e) {
                // exited between listing and reading
            }
        }
        return new Usage(cpu, rss, peak, read, write, -1, alive, scratchBytes, -1);
    }
}
