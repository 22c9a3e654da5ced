package io.forewarm.sandbox;

import io.forewarm.core.FunctionSpec;
import io.forewarm.core.ResourceVector;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fallback without privileges: plain processes in their own session (so the whole process group can be
 * killed), limited only by rlimits via {@code prlimit}. No cpu quota, no memory accounting of children, no OOM
 * detection, no namespaces: this is "isolation: none", and it is logged as such.
 */
final class ProcessProvider implements PartitionProvider {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessProvider.class);

    private final SandboxConfig config;
    private final boolean prlimit;
    private final boolean setsid;
    private final Isolation isolation;

    ProcessProvider(SandboxConfig config, String reason) throws IOException {
        this.config = config;
        this.prlimit = Launch.onPath("prlimit");
        this.setsid = Launch.onPath("setsid");
        List<String> notes = new ArrayList<>(List.of("cpu quota not enforced", "namespaces not used",
                "memory limited per process by RLIMIT_DATA; OOM is reported as a crash or function error",
                "scratch size limited per file by RLIMIT_FSIZE", "io and network bandwidth not enforced",
                "pids limited by RLIMIT_NPROC, which counts per user and does not bind root"));
        if (!prlimit) {
            notes.add("prlimit (util-linux) not installed: no rlimits at all");
        }
        if (!setsid) {
            notes.add("setsid (util-linux) not installed: only direct descendants are killed");
        }
        this.isolation = new Isolation("process", false, reason, notes);
        removeLeftoverScratch(config.scratchRoot());
        LOG.warn("isolation: none (process backend): {}; {}", reason, String.join("; ", notes));
    }

    @Override
    public Isolation isolation() {
        return isolation;
    }

    @Override
    public Partition open(String id, FunctionSpec spec, ResourceVector limits) throws IOException {
        Scratch scratch = Scratch.create(config.scratchRoot(), id, limits.diskBytes(), false);
        try {
            scratch.preload(spec.warmupFiles());
        } catch (IOException e) {
            scratch.remove();
            throw e;
        }
        return new ProcessPartition(scratch, limits, spec.pidsLimit());
    }

    /** Removes scratch directories (unmounting tmpfs) whose owner process is gone. */
    static void removeLeftoverScratch(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path dir : ds) {
                if (Names.isLeftover(dir.getFileName().toString(), Names::alive)) {
                    Scratch.removeLeftover(dir);
                    LOG.warn("removed leftover scratch {} of a crashed earlier run", dir);
                }
            }
        }
    }

    /** Processes started for one sandbox, each the leader of its own process group. */
    private final class ProcessPartition extends ScratchPartition {
        private volatile ResourceVector limits;
        private final List<ProcessHandle> processes = new CopyOnWriteArrayList<>();

        ProcessPartition(Scratch scratch, ResourceVector limits, int pids) {
            super(scratch, pids);
            this.limits = limits;
        }

        @Override
        public List<String> command(List<String> argv) {
            List<String> cmd = prlimit ? Launch.rlimits(limits, pids, argv) : argv;
            if (setsid) {
                // a Java child is never a group leader, so setsid execs in place and pid == pgid
                List<String> s = new ArrayList<>(List.of("setsid"));
                s.addAll(cmd);
                cmd = s;
            }
            return cmd;
        }

        @Override
        public void started(ProcessHandle process) {
            processes.removeIf(p -> !p.isAlive());
            processes.add(process);
        }

        private List<Long> pids() {
            List<Long> all = new ArrayList<>();
            for (ProcessHandle p : processes) {
                if (p.isAlive()) {
                    all.add(p.pid());
                }
                p.descendants().forEach(d -> all.add(d.pid()));
            }
            return all;
        }

        @Override
        public void workerReady(ProcessHandle worker) {
            // it shares the host's network namespace: there is no traffic counter of its own to open
        }

        @Override
        public void killAll() {
            for (ProcessHandle p : processes) {
                if (setsid && p.isAlive()) {
                    try {
                        Launch.run(List.of("kill", "-s", "KILL", "--", "-" + p.pid()));
                    } catch (IOException e) {
                        // the group may be gone already; fall through to killing the tree we can see
                    }
                }
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < deadline && processes.stream().anyMatch(ProcessHandle::isAlive)) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        @Override
        public long oomKills() {
            return -1;
        }

        @Override
        public long takeMemoryPeak() {
            List<Long> now = pids();
            long peak = ProcStats.sample(now, -1).memoryPeakBytes();
            return ProcStats.resetPeaks(now) ? Math.max(0, peak) : -1;
        }

        @Override
        public Usage usage() {
            return ProcStats.sample(pids(), scratch.usedBytes());
        }

        @Override
        public void resize(ResourceVector newLimits) {
            limits = newLimits;
            if (!prlimit) {
                return;
            }
            for (ProcessHandle p : processes) {
                if (p.isAlive()) {
                    List<String> cmd = new ArrayList<>(List.of("prlimit", "--pid", Long.toString(p.pid())));
                    cmd.addAll(Launch.rlimitOptions(newLimits, pids));
                    try {
                        Launch.run(cmd);
                    } catch (IOException e) {
                        throw new IllegalStateException("resize to " + newLimits + " failed: " + e.getMessage(), e);
                    }
                }
            }
        }

        @Override
        public void close() {
            killAll();
            removeScratch();
        }
    }
}
