package io.forewarm.sandbox;

import io.forewarm.sandbox.CgroupSettings.Setting;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One cgroup, in either hierarchy: on v2 a single directory, on v1 one directory per controller. Thin file I/O;
 * what to write comes from {@link CgroupSettings}, how to read it from {@link CgroupStats}.
 */
final class Cgroup {

    /** Which cgroup interface the host exposes. */
    enum Version {
        V1("linux-cgroup-v1"), V2("linux-cgroup-v2");

        final String backend;

        Version(String backend) {
            this.backend = backend;
        }
    }

    /** v1 controllers a sandbox joins when mounted; cpu, memory and pids are required. */
    static final List<String> V1_CONTROLLERS = List.of("cpu", "cpuacct", "memory", "pids", "blkio", "freezer");
    static final List<String> V1_REQUIRED = List.of("cpu", "memory", "pids");

    private final Version version;
    private final Map<String, Path> dirs;

    private Cgroup(Version version, Map<String, Path> dirs) {
        this.version = version;
        this.dirs = dirs;
    }

    /** The directories of {@code name} under the hierarchy, keyed by controller ("" on v2). */
    static Map<String, Path> layout(Version v, Path root, String name) throws IOException {
        Map<String, Path> dirs = new LinkedHashMap<>();
        if (v == Version.V2) {
            dirs.put("", root.resolve(name));
            return dirs;
        }
        for (String c : V1_CONTROLLERS) {
            Path mount = root.resolve(c);
            if (Files.isRegularFile(mount.resolve("cgroup.procs"))) {
                // co-mounted controllers (cpu,cpuacct) resolve to the same directory: use it once
                dirs.put(c, mount.toRealPath().resolve(name));
            }
        }
        return dirs;
    }

    /** Opens (creating directories that are missing) the cgroup at {@code dirs}. */
    static Cgroup open(Version v, Map<String, Path> dirs) throws IOException {
        for (Path d : new LinkedHashSet<>(dirs.values())) {
            try {
                Files.createDirectory(d);
            } catch (FileAlreadyExistsException e) {
                // reusing the parent cgroup is expected
            }
        }
        return new Cgroup(v, dirs);
    }

    Version version() {
        return version;
    }

    /** The directory for {@code controller}, or null when that v1 controller is not mounted. */
    Path dir(String controller) {
        return version == Version.V2 ? dirs.get("") : dirs.get(controller);
    }

    /** Every cgroup.procs file a process must join. */
    List<Path> procsFiles() {
        return new LinkedHashSet<>(dirs.values()).stream().map(d -> d.resolve("cgroup.procs")).toList();
    }

    /** Whether {@code file} exists for {@code controller}. */
    boolean has(String controller, String file) {
        Path d = dir(controller);
        return d != null && Files.exists(d.resolve(file));
    }

    /** Writes one setting; fails naming file and value. */
    void write(Setting s) throws IOException {
        Path d = dir(s.controller());
        if (d == null) {
            throw new IOException("cgroup controller '" + s.controller() + "' is not mounted; cannot set " + s.file());
        }
        try {
            Files.writeString(d.resolve(s.file()), s.value(), StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new IOException("cannot write '" + s.value() + "' to " + d.resolve(s.file()) + ": " + e, e);
        }
    }

    /**
     * Applies settings in order. v1 refuses a memory limit above memory+swap (and the reverse), so when a memory
     * write fails the memory settings are retried in the opposite order, which is right when shrinking.
     */
    void apply(List<Setting> settings) throws IOException {
        List<Setting> memory = settings.stream().filter(s -> s.controller().equals("memory")).toList();
        for (Setting s : settings) {
            if (!s.controller().equals("memory")) {
                write(s);
            }
        }
        try {
            for (Setting s : memory) {
                write(s);
            }
        } catch (IOException first) {
            List<Setting> reversed = new ArrayList<>(memory);
            java.util.Collections.reverse(reversed);
            for (Setting s : reversed) {
                write(s);
            }
        }
    }

    /** The file's content, or "" when the file or controller is missing. */
    String read(String controller, String file) {
        Path d = dir(controller);
        if (d == null) {
            return "";
        }
        try {
            return Files.readString(d.resolve(file));
        } catch (IOException e) {
            return "";
        }
    }

    /** Pids of every process in the cgroup. */
    Set<Long> pids() {
        Set<Long> pids = new LinkedHashSet<>();
        for (Path procs : procsFiles()) {
            for (String line : read(procs.getParent(), "cgroup.procs").split("\n")) {
                if (!line.isBlank()) {
                    pids.add(Long.parseLong(line.trim()));
                }
            }
        }
        return pids;
    }

    private static String read(Path dir, String file) {
        try {
            return Files.readString(dir.resolve(file));
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Kills every process and waits (up to 5 s) until the cgroup is empty. v2 uses cgroup.kill; v1 freezes first
     * (when the freezer is mounted) so a fork bomb cannot outrun the killing.
     */
    void killAll() {
        long self = ProcessHandle.current().pid();
        boolean frozen = false;
        if (version == Version.V2 && has("", "cgroup.kill")) {
            quietly(new Setting("", "cgroup.kill", "1"));
        } else if (version == Version.V1 && has("freezer", "freezer.state")) {
            frozen = quietly(new Setting("freezer", "freezer.state", "FROZEN"));
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            Set<Long> pids = pids();
            pids.remove(self);
            if (pids.isEmpty() || System.nanoTime() > deadline) {
                break;
            }
            pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            if (frozen) {
                // SIGKILL takes effect once the frozen tasks run again
                frozen = !quietly(new Setting("freezer", "freezer.state", "THAWED"));
            }
            sleep(5);
        }
        if (frozen) {
            quietly(new Setting("freezer", "freezer.state", "THAWED"));
        }
    }

    /** Removes the cgroup directories (after {@link #killAll()}); retries while the kernel still counts tasks. */
    void remove() throws IOException {
        for (Path d : new LinkedHashSet<>(dirs.values())) {
            for (int attempt = 0; ; attempt++) {
                try {
                    Files.deleteIfExists(d);
                    break;
                } catch (NoSuchFileException gone) {
                    break;
                } catch (IOException busy) {
                    if (attempt >= 100) {
                        throw new IOException("cannot remove cgroup " + d + ": " + busy, busy);
                    }
                    sleep(20);
                }
            }
        }
    }

    /**
     * Resets the memory high-water mark to the current usage: v1 takes a write of 0 to
     * {@code memory.max_usage_in_bytes}. v2's {@code memory.peak} (kernel 6.12+) resets only for reads through the
     * same open file, which a sample that opens the file anew never sees, so on v2 this returns false.
     */
    boolean resetMemoryPeak() {
        return version == Version.V1 && quietly(new Setting("memory", "memory.max_usage_in_bytes", "0"));
    }

    /** OOM kills recorded by the memory controller. */
    long oomKills() {
        String file = version == Version.V2 ? "memory.events" : "memory.oom_control";
        return Math.max(0, CgroupStats.keyed(read("memory", file), "oom_kill"));
    }

    /** A live usage sample; processes are counted from cgroup.procs (exited ones awaiting reaping are not). */
    Usage usage() {
        if (version == Version.V2) {
            long usec = CgroupStats.keyed(read("", "cpu.stat"), "usage_usec");
            long[] io = CgroupStats.v2Io(read("", "io.stat"));
            return new Usage(usec < 0 ? -1 : usec * 1000, num(read("", "memory.current")),
                    num(read("", "memory.peak")), io[0], io[1], oomKills(), pids().size());
        }
        String ioText = read("blkio", "blkio.throttle.io_service_bytes_recursive");
        long[] io = CgroupStats.v1Io(ioText.isEmpty() ? read("blkio", "blkio.throttle.io_service_bytes") : ioText);
        return new Usage(num(read("cpuacct", "cpuacct.usage")), num(read("memory", "memory.usage_in_bytes")),
                num(read("memory", "memory.max_usage_in_bytes")), io[0], io[1], oomKills(), pids().size());
    }

    /** Names of the child cgroups of {@code dir}. */
    static List<String> children(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return names;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, Files::isDirectory)) {
            ds.forEach(p -> names.add(p.getFileName().toString()));
        }
        return names;
    }

    private static long num(String text) {
        return text.isBlank() ? -1 : CgroupStats.single(text);
    }

    private boolean quietly(Setting s) {
        try {
            write(s);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
