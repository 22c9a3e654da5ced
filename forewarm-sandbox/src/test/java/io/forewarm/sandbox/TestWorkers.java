package io.forewarm.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.forewarm.core.FunctionSpec;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Real workers for the tests: the Python shim running src/test/resources/workers/testfn.py. */
final class TestWorkers {

    /** Per test JVM, so test runs in other worktrees at the same time cannot see each other's sandboxes. */
    static final String PARENT = "forewarm-test-" + ProcessHandle.current().pid();
    static final Path SCRATCH = Path.of("/var/tmp/" + PARENT);
    private static final List<String> HIERARCHIES = List.of("", "cpu", "cpuacct", "memory", "pids", "blkio",
            "freezer");
    static final Path SHIM = Path.of("../runtimes/python/forewarm_runtime.py").toAbsolutePath().normalize();
    private static String python;

    private TestWorkers() {
    }

    /** The real python3 binary (not a pyenv shim script, which needs the caller's environment). */
    static synchronized String python() {
        if (python == null) {
            try {
                python = Launch.run(List.of("python3", "-c", "import sys; print(sys.executable)")).strip();
            } catch (IOException e) {
                throw new IllegalStateException("python3 is needed for the sandbox tests", e);
            }
        }
        return python;
    }

    static Path resource(String name) {
        try {
            return Path.of(TestWorkers.class.getResource("/workers/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A worker spec running testfn.py through the shim. */
    static FunctionSpec.Builder worker(String name) {
        return FunctionSpec.builder(name, FunctionSpec.Kind.WORKER,
                List.of(python(), SHIM.toString(), resource("testfn.py").toString()));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static SandboxConfig config(SandboxConfig.Backend backend) {
        return SandboxConfig.defaults().withBackend(backend).withPlace(PARENT, SCRATCH);
    }

    /** Whether this host can run the cgroup backend (root and a v1 or v2 hierarchy). */
    static boolean cgroupsUsable() {
        boolean root = "root".equals(System.getProperty("user.name"));
        Path cg = Path.of("/sys/fs/cgroup");
        return root && (Files.exists(cg.resolve("cgroup.controllers"))
                || Files.exists(cg.resolve("memory/cgroup.procs")));
    }

    /** Names of every cgroup under the test parent, in every mounted hierarchy. */
    static Set<String> testCgroups() throws IOException {
        Set<String> names = new HashSet<>();
        Path cg = Path.of("/sys/fs/cgroup");
        for (String c : HIERARCHIES) {
            Path parent = cg.resolve(c).resolve(PARENT);
            Cgroup.children(parent).forEach(n -> names.add(c + "/" + n));
        }
        return names;
    }

    /** Removes the (empty) test parent cgroups and scratch root; fails if anything is still inside. */
    static void removeTestParents() throws IOException {
        for (String c : HIERARCHIES) {
            Files.deleteIfExists(Path.of("/sys/fs/cgroup").resolve(c).resolve(PARENT));
        }
        Files.deleteIfExists(SCRATCH);
    }

    /**
     * Closes the factory and checks that no scratch directory and (within 5 s of the kill) no child process of
     * this JVM beyond {@code processesBefore} is left, then removes the empty test parents.
     */
    static void closeAndCheckNothingLeft(SandboxFactory factory, long processesBefore)
            throws IOException, InterruptedException {
        factory.close();
        assertThat(scratchDirs()).isEmpty();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (ProcessHandle.current().descendants().count() > processesBefore && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(ProcessHandle.current().descendants().count()).isEqualTo(processesBefore);
        removeTestParents();
    }

    /** Entries under the scratch root. */
    static Set<String> scratchDirs() throws IOException {
        Set<String> names = new HashSet<>();
        if (Files.isDirectory(SCRATCH)) {
            try (var s = Files.list(SCRATCH)) {
                s.forEach(p -> names.add(p.getFileName().toString()));
            }
        }
        return names;
    }
}
