package io.forewarm.sandbox;

import io.forewarm.sandbox.CgroupSettings.Setting;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.ConcurrentHashMap;

/**
 * One cgroup, in either hierarchy: on v2 a single directory, on v1 one directory per controller. Thin file I/O;
 * what to write comes from {@link CgroupSettings}, how to read it from {@link CgroupStats}. The counters read on
 * every run (usage, OOM kills, the peak reset) go through files kept open and read at offset 0, which the kernel
 * answers afresh each time: about a tenth of the cost of opening, reading and closing the file each time.
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
    /** Counter files kept open for reading and for writing, by path; closed by {@link #remove()}. */
    private final Map<Path, FileChannel> readers = new ConcurrentHashMap<>();
    private final Map<Path, FileChannel> writers = new ConcurrentHashMap<>();
    private volatile boolean removed;

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
        return d == null ? "" : counter(d.resolve(file));
    }

    /** The content of a file kept open for repeated reads, or "" when it is missing or the cgroup was removed. */
    private String counter(Path file) {
        try {
            return snapshot(channel(file, StandardOpenOption.READ));
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * The whole content of a kernel file kept open, read afresh from offset 0. These files are seq_files, which
     * fill a read as far as it asks or the content goes (fs/seq_file.c, seq_read_iter; their page-sized buffer can
     * cut one short only near 4 KB): a short read of up to 2 KB is the end, and the read at the end that would
     * return 0, which makes the kernel format the whole file again to find the offset, is skipped.
     */
    static String snapshot(FileChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(512);
        int n;
        // positional reads from 0: each one is a fresh snapshot of the counter, and concurrent readers are safe
        while ((n = ch.read(buf, buf.position())) > 0) {
            if (!buf.hasRemaining()) {
                buf = ByteBuffer.allocate(buf.capacity() * 2).put(buf.flip());
            } else if (buf.capacity() <= 2048) {
                break;
            }
        }
        return new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII);
    }

    private FileChannel channel(Path file, StandardOpenOption mode) throws IOException {
        Map<Path, FileChannel> open = mode == StandardOpenOption.READ ? readers : writers;
        FileChannel ch = open.get(file);
        if (ch != null) {
            return ch;
        }
        if (removed) {
            throw new IOException("cgroup removed");
        }
        FileChannel fresh = FileChannel.open(file, mode);
        ch = open.putIfAbsent(file, fresh);
        if (ch != null) {
            fresh.close();
            return ch;
        }
        if (removed) { // raced with remove(): do not leak the file
            closeCounters();
        }
        return fresh;
    }

    private void closeCounters() {
        for (Map<Path, FileChannel> open : List.of(readers, writers)) {
            for (FileChannel ch : open.values()) {
                try {
                    ch.close();
                } catch (IOException e) {
                    // closing a cgroup file cannot lose data
                }
            }
            open.clear();
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
        removed = true;
        closeCounters();
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
     * Resets the memory high-water mark to the current usage and returns the mark it ends, or -1 when it cannot: v1
     * takes a write of 0 to {@code memory.max_usage_in_bytes}. v2's {@code memory.peak} (kernel 6.12+) resets only for
     * reads through the same open file, which a sample that opens the file anew never sees, so on v2 this is -1.
     */
    long takeMemoryPeak() {
        Path d = dir("memory");
        if (version != Version.V1 || d == null) {
            return -1;
        }
        long peak = num(read("memory", "memory.max_usage_in_bytes"));
        try {
            boolean reset = channel(d.resolve("memory.max_usage_in_bytes"), StandardOpenOption.WRITE)
                    .write(ByteBuffer.wrap(ZERO), 0) == 1;
            return reset ? Math.max(0, peak) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private static final byte[] ZERO = {'0'};

    /** OOM kills recorded by the memory controller. */
    long oomKills() {
        String file = version == Version.V2 ? "memory.events" : "memory.oom_control";
        return Math.max(0, CgroupStats.keyed(read("memory", file), "oom_kill"));
    }

    /**
     * A live usage sample, with the scratch and network figures the partition measured beside the cgroup;
     * processes are counted from cgroup.procs (exited ones awaiting reaping are not).
     */
    Usage usage(long scratchBytes, long netBytes) {
        if (version == Version.V2) {
            long usec = CgroupStats.keyed(read("", "cpu.stat"), "usage_usec");
            long[] io = CgroupStats.v2Io(read("", "io.stat"));
            return new Usage(usec < 0 ? -1 : usec * 1000, num(read("", "memory.current")),
                    num(read("", "memory.peak")), io[0], io[1], oomKills(), processes(), scratchBytes, netBytes);
        }
        String ioText = read("blkio", "blkio.throttle.io_service_bytes_recursive");
        long[] io = CgroupStats.v1Io(ioText.isEmpty() ? read("blkio", "blkio.throttle.io_service_bytes") : ioText);
        return new Usage(num(read("cpuacct", "cpuacct.usage")), num(read("memory", "memory.usage_in_bytes")),
                num(read("memory", "memory.max_usage_in_bytes")), io[0], io[1], oomKills(), processes(),
                scratchBytes, netBytes);
    }

    /** Processes in the cgroup, counted in one hierarchy (a sandbox's processes join every one). */
    private long processes() {
        String procs = read(version == Version.V2 ? "" : "pids", "cgroup.procs");
        return procs.lines().filter(l -> !l.isBlank()).count();
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
