package io.forewarm.sandbox;

import io.forewarm.core.FunctionSpec;
import io.forewarm.core.ResourceVector;
import io.forewarm.sandbox.CgroupSettings.Setting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Linux partitions: one cgroup per sandbox under the configured parent (v1 or v2), optional new namespaces via
 * {@code unshare}, and a tmpfs scratch directory capped at the sandbox's disk limit.
 */
final class CgroupProvider implements PartitionProvider {

    private static final Logger LOG = LoggerFactory.getLogger(CgroupProvider.class);

    private final SandboxConfig config;
    private final Cgroup.Version version;
    private final boolean namespaces;
    private final String device;
    private final Isolation isolation;

    /** Creates the parent cgroup, removes leftovers of crashed runs and probes namespaces and the io device. */
    CgroupProvider(SandboxConfig config, Cgroup.Version version, String reason) throws IOException {
        this.config = config;
        this.version = version;
        List<String> notes = new ArrayList<>();
        Map<String, Path> parentDirs = Cgroup.layout(version, config.cgroupRoot(), config.cgroupParent());
        if (version == Cgroup.Version.V1) {
            for (String c : Cgroup.V1_REQUIRED) {
                if (!parentDirs.containsKey(c)) {
                    throw new IOException("cgroup v1 controller '" + c + "' is not mounted under "
                            + config.cgroupRoot());
                }
            }
            for (String c : Cgroup.V1_CONTROLLERS) {
                if (!parentDirs.containsKey(c)) {
                    notes.add("cgroup v1 controller '" + c + "' not mounted");
                }
            }
        }
        Cgroup.open(version, parentDirs);
        if (version == Cgroup.Version.V2) {
            enableV2Controllers(config.cgroupRoot(), notes);
            enableV2Controllers(parentDirs.get(""), notes);
            requireV2Controllers(parentDirs.get(""), notes);
        }
        removeLeftovers(parentDirs);
        this.namespaces = config.namespaces() && probeNamespaces(notes);
        this.device = BlockDevices.of(Path.of("/")).orElse(null);
        if (device == null && notes.stream().noneMatch(n -> n.startsWith("io limits"))) {
            notes.add("io limits not enforced: the root file system is not on a known block device");
        }
        notes.add("network bandwidth limits are not enforced");
        this.isolation = new Isolation(version.backend, true, reason, notes);
        LOG.info("isolation: {} ({}); namespaces {}; notes: {}", version.backend, reason,
                namespaces ? "on" : "off", String.join("; ", notes));
    }

    @Override
    public Isolation isolation() {
        return isolation;
    }

    @Override
    public Partition open(String id, FunctionSpec spec, ResourceVector limits) throws IOException {
        Cgroup cgroup = Cgroup.open(version, Cgroup.layout(version, config.cgroupRoot(),
                config.cgroupParent() + "/" + id));
        Scratch scratch = null;
        try {
            cgroup.apply(settings(cgroup, limits, spec.pidsLimit()));
            scratch = Scratch.create(config.scratchRoot(), id, limits.diskBytes(), true);
            scratch.preload(spec.warmupFiles());
            return new CgroupPartition(cgroup, scratch, spec.pidsLimit());
        } catch (IOException | RuntimeException e) {
            cgroup.killAll();
            cgroup.remove();
            if (scratch != null) {
                scratch.remove();
            }
            throw e;
        }
    }

    private List<Setting> settings(Cgroup cgroup, ResourceVector limits, int pids) {
        return version == Cgroup.Version.V2
                ? CgroupSettings.v2(limits, pids, device, cgroup.has("", "memory.swap.max"))
                : CgroupSettings.v1(limits, pids, cgroup.dir("blkio") == null ? null : device,
                        cgroup.has("memory", "memory.memsw.limit_in_bytes"));
    }

    private static void enableV2Controllers(Path dir, List<String> notes) {
        for (String c : List.of("cpu", "memory", "pids", "io")) {
            try {
                Files.writeString(dir.resolve("cgroup.subtree_control"), "+" + c);
            } catch (IOException e) {
                // requireV2Controllers decides whether this matters
                LOG.debug("cgroup v2 controller {} not enabled in {}: {}", c, dir, e.toString());
            }
        }
    }

    /** Fails unless cpu, memory and pids are delegated to the sandboxes' cgroups (io is optional). */
    private static void requireV2Controllers(Path parent, List<String> notes) throws IOException {
        String enabled = Files.readString(parent.resolve("cgroup.subtree_control")).trim();
        List<String> have = List.of(enabled.split("\\s+"));
        List<String> missing = Cgroup.V1_REQUIRED.stream().filter(c -> !have.contains(c)).toList();
        if (!missing.isEmpty()) {
            throw new IOException("cgroup v2 controllers " + missing + " are not available to " + parent
                    + " (cgroup.subtree_control: '" + enabled + "')");
        }
        if (!have.contains("io")) {
            notes.add("io limits not enforced: cgroup v2 io controller not available");
        }
    }

    /** Kills and removes cgroups and scratch directories whose owner process is gone (a crashed earlier run). */
    private void removeLeftovers(Map<String, Path> parentDirs) throws IOException {
        Set<String> names = new LinkedHashSet<>();
        for (Path d : parentDirs.values()) {
            names.addAll(Cgroup.children(d));
        }
        for (String name : names) {
            if (Names.isLeftover(name, Names::alive)) {
                Cgroup leftover = Cgroup.open(version, Cgroup.layout(version, config.cgroupRoot(),
                        config.cgroupParent() + "/" + name));
                leftover.killAll();
                leftover.remove();
                LOG.warn("removed leftover cgroup {} of a crashed earlier run", name);
            }
        }
        ProcessProvider.removeLeftoverScratch(config.scratchRoot());
    }

    private boolean probeNamespaces(List<String> notes) {
        if (!Launch.onPath("unshare")) {
            notes.add("namespaces not used: unshare (util-linux) is not installed");
            return false;
        }
        try {
            Launch.run(Launch.unshare(config.isolateNetwork(), List.of("true")));
            return true;
        } catch (IOException e) {
            notes.add("namespaces not used: " + e.getMessage());
            return false;
        }
    }

    /** One sandbox's cgroup and scratch. */
    private final class CgroupPartition extends ScratchPartition {
        private final Cgroup cgroup;
        /** The traffic of the worker's own network namespace, once it is ready; null without one. */
        private volatile NetCounter net;

        CgroupPartition(Cgroup cgroup, Scratch scratch, int pids) {
            super(scratch, pids);
            this.cgroup = cgroup;
        }

        @Override
        public List<String> command(List<String> argv) {
            return Launch.joinCgroups(cgroup.procsFiles(),
                    namespaces ? Launch.unshare(config.isolateNetwork(), argv) : argv);
        }

        @Override
        public void started(ProcessHandle process) {
            // the cgroup itself tracks every process
        }

        @Override
        public void workerReady(ProcessHandle worker) {
            if (!namespaces || !config.isolateNetwork() || net != null) {
                return;
            }
            try {
                // the pid Java started is unshare itself, which moved into the new namespace before forking
                net = NetCounter.of(worker.pid());
            } catch (IOException e) {
                LOG.warn("network bytes of sandbox {} unknown: {}", scratch.dir().getFileName(), e.toString());
            }
        }

        @Override
        public void killAll() {
            cgroup.killAll();
        }

        @Override
        public long oomKills() {
            return cgroup.oomKills();
        }

        @Override
        public long takeMemoryPeak() {
            return cgroup.takeMemoryPeak();
        }

        @Override
        public Usage usage() {
            NetCounter n = net;
            return cgroup.usage(scratch.usedBytes(), n == null ? -1 : n.bytes());
        }

        @Override
        public void resize(ResourceVector limits) {
            try {
                cgroup.apply(settings(cgroup, limits, pids));
            } catch (IOException e) {
                throw new IllegalStateException("resize to " + limits + " failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            cgroup.killAll();
            try {
                cgroup.remove();
            } catch (IOException e) {
                LOG.error("sandbox cgroup not removed: {}", e.getMessage());
            }
            NetCounter n = net;
            if (n != null) {
                n.close(); // lets the kernel free the namespace, which the open file kept
            }
            removeScratch();
        }
    }
}
