package io.forewarm.sandbox;

import io.forewarm.core.ResourceVector;
import java.util.ArrayList;
import java.util.List;

/**
 * Pure translation of limits into cgroup interface files, per the kernel's cgroup v1 and v2 documentation
 * (Documentation/admin-guide/cgroup-v1/ and cgroup-v2.rst). 0 in a dimension means unlimited.
 */
final class CgroupSettings {

    /** The cpu bandwidth period: quota is expressed per 100 ms. */
    static final long PERIOD_US = 100_000;
    /** The kernel refuses quotas under 1 ms. */
    static final long MIN_QUOTA_US = 1_000;

    /** One write: {@code value} into {@code file} of {@code controller} ("" for the v2 unified directory). */
    record Setting(String controller, String file, String value) {
    }

    private CgroupSettings() {
    }

    /** cpu quota in microseconds per period, or -1 for unlimited. */
    static long quotaMicros(double cores) {
        return cores <= 0 ? -1 : Math.max(MIN_QUOTA_US, Math.round(cores * PERIOD_US));
    }

    /**
     * cgroup v1 files. Memory and memory+swap get the same limit, so the sandbox cannot swap; {@code device}
     * ("major:minor", or null when unknown) receives the io throttle.
     */
    static List<Setting> v1(ResourceVector l, int pids, String device, boolean memsw) {
        List<Setting> s = new ArrayList<>();
        s.add(new Setting("cpu", "cpu.cfs_period_us", Long.toString(PERIOD_US)));
        s.add(new Setting("cpu", "cpu.cfs_quota_us", Long.toString(quotaMicros(l.cpuCores()))));
        String mem = l.memoryBytes() > 0 ? Long.toString(l.memoryBytes()) : "-1";
        s.add(new Setting("memory", "memory.limit_in_bytes", mem));
        if (memsw) {
            s.add(new Setting("memory", "memory.memsw.limit_in_bytes", mem));
        }
        s.add(new Setting("pids", "pids.max", pids > 0 ? Integer.toString(pids) : "max"));
        if (device != null) {
            String bps = device + " " + l.ioBytesPerSecond();
            s.add(new Setting("blkio", "blkio.throttle.read_bps_device", bps));
            s.add(new Setting("blkio", "blkio.throttle.write_bps_device", bps));
        }
        return s;
    }

    /** cgroup v2 files; swap is switched off so the memory limit is the whole budget. */
    static List<Setting> v2(ResourceVector l, int pids, String device, boolean swapFile) {
        List<Setting> s = new ArrayList<>();
        long quota = quotaMicros(l.cpuCores());
        s.add(new Setting("", "cpu.max", (quota < 0 ? "max" : Long.toString(quota)) + " " + PERIOD_US));
        s.add(new Setting("", "memory.max", l.memoryBytes() > 0 ? Long.toString(l.memoryBytes()) : "max"));
        if (swapFile) {
            s.add(new Setting("", "memory.swap.max", "0"));
        }
        s.add(new Setting("", "pids.max", pids > 0 ? Integer.toString(pids) : "max"));
        if (device != null) {
            String bps = l.ioBytesPerSecond() > 0 ? Long.toString(l.ioBytesPerSecond()) : "max";
            s.add(new Setting("", "io.max", device + " rbps=" + bps + " wbps=" + bps));
        }
        return s;
    }
}
