package io.forewarm.engine;

import io.forewarm.core.ExecutionRecord;
import io.forewarm.core.FunctionSpec;
import io.forewarm.core.ResourceVector;
import io.forewarm.examples.SlowInit;
import io.forewarm.runtime.Worker;
import io.forewarm.sandbox.SandboxConfig;
import io.forewarm.sandbox.SandboxFactories;
import io.forewarm.sandbox.SandboxFactory;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real sandboxes for the engine tests: the host's backend under its own parent cgroup and scratch root,
 * workers on the Python shim and the example JVM worker, and a check that nothing is left behind.
 */
final class TestRig implements AutoCloseable {

    static final long MB = 1 << 20;
    /** Per test JVM, so that concurrent builds (other worktrees run these tests too) never see each other's. */
    static final String PARENT = "forewarm-engine-test-" + ProcessHandle.current().pid();
    static final Path SCRATCH = Path.of("/var/tmp/" + PARENT);
    private static final List<String> HIERARCHIES = List.of("", "cpu", "cpuacct", "memory", "pids", "blkio",
            "freezer");
    static final Path SHIM = Path.of("../runtimes/python/forewarm_runtime.py").toAbsolutePath().normalize();
    static final Path ECHO = Path.of("../forewarm-examples/src/main/python/echo.py").toAbsolutePath().normalize();
    /** Keeps Python from writing bytecode caches next to the example sources. */
    private static final java.util.Map<String, String> NO_PYC = java.util.Map.of("PYTHONDONTWRITEBYTECODE", "1");
    private static String python;

    final SandboxFactory factory;
    final List<ExecutionRecord> records = Collections.synchronizedList(new ArrayList<>());
    private final long processesBefore;
    private final Set<String> cgroupsBefore;

    /** Sandboxes on the backend this host detects (cgroups when root). */
    TestRig() {
        this(SandboxConfig.Backend.AUTO);
    }

    /** Sandboxes on {@code backend}. */
    TestRig(SandboxConfig.Backend backend) {
        processesBefore = ProcessHandle.current().descendants().count();
        cgroupsBefore = cgroups();
        factory = SandboxFactories.detect(SandboxConfig.defaults().withBackend(backend).withPlace(PARENT, SCRATCH));
    }

    /** An orchestrator recording into {@link #records}, with a small, explicit budget. */
    Orchestrator engine(EngineConfig config, java.time.InstantSource clock) {
        return new Orchestrator(factory, records::add, config, clock);
    }

    /** The records of {@code function} so far, after {@code engine} has handed on every finished run. */
    List<ExecutionRecord> recordsOf(Orchestrator engine, String function) {
        engine.flushRecords();
        synchronized (records) {
            return records.stream().filter(r -> r.function().equals(function)).toList();
        }
    }

    /** 2 cores and 1 GB, a queue of 8 for 2 s. */
    static EngineConfig config() {
        return EngineConfig.defaults().withCapacity(ResourceVector.of(2, 1024 * MB))
                .withQueue(8, Duration.ofSeconds(2)).withDefaultPolicy("fixed:10");
    }

    /** Whether sandboxes get real cgroup limits here (root and a hierarchy). */
    boolean isolated() {
        return factory.isolation().isolated();
    }

    /** The real python3 binary (not a pyenv shim, which needs the caller's environment). */
    static synchronized String python() {
        if (python == null) {
            try {
                Process p = new ProcessBuilder("python3", "-c", "import sys; print(sys.executable)")
                        .redirectErrorStream(true).start();
                python = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (IOException e) {
                throw new IllegalStateException("python3 is needed for the engine tests", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return python;
    }

    /** The test function (enginefn.py) on the Python shim. */
    static FunctionSpec.Builder testFn(String name) {
        return FunctionSpec.builder(name, FunctionSpec.Kind.WORKER,
                List.of(python(), SHIM.toString(), resource("enginefn.py").toString())).env(NO_PYC)
                .limits(ResourceVector.of(0.5, 64 * MB)).timeout(Duration.ofSeconds(10));
    }

    /** The example echo worker on the Python shim. */
    static FunctionSpec.Builder echo(String name) {
        return FunctionSpec.builder(name, FunctionSpec.Kind.WORKER, List.of(python(), SHIM.toString(),
                ECHO.toString())).env(NO_PYC).limits(ResourceVector.of(0.5, 64 * MB));
    }

    /** The example slow-init JVM worker ({@link SlowInit}): about 300 ms of initialization after JVM start. */
    static FunctionSpec.Builder slowInitJvm(String name) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = location(SlowInit.class) + File.pathSeparator + location(Worker.class);
        // The JVM writes its own warnings to stdout by default, where they would break the frames: stderr.
        return FunctionSpec.builder(name, FunctionSpec.Kind.WORKER, List.of(java, "-Xlog:disable",
                        "-Xlog:all=warning:stderr", "-Xmx128m", "-Xss512k", "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1", "-cp", cp, SlowInit.class.getName()))
                .limits(ResourceVector.of(1, 384 * MB)).initTimeout(Duration.ofSeconds(30))
                .timeout(Duration.ofSeconds(10));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** How many idle, ready sandboxes {@code fn} has in {@code engine}. */
    static int warm(Orchestrator engine, String fn) {
        return engine.status().function(fn).warm();
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static String location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path resource(String name) {
        try {
            return Path.of(TestRig.class.getResource("/workers/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every cgroup under the test parent, in every mounted hierarchy. */
    static Set<String> cgroups() {
        Set<String> names = new HashSet<>();
        Path cg = Path.of("/sys/fs/cgroup");
        for (String c : HIERARCHIES) {
            Path parent = cg.resolve(c).resolve(PARENT);
            if (Files.isDirectory(parent)) {
                try (Stream<Path> s = Files.list(parent)) {
                    s.filter(Files::isDirectory).forEach(p -> names.add(c + "/" + p.getFileName()));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return names;
    }

    private static Set<String> scratchDirs() {
        Set<String> names = new HashSet<>();
        if (Files.isDirectory(SCRATCH)) {
            try (Stream<Path> s = Files.list(SCRATCH)) {
                s.forEach(p -> names.add(p.getFileName().toString()));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return names;
    }

    /** Closes the factory and checks that no cgroup, scratch directory or process is left behind. */
    @Override
    public void close() {
        // The engines under test closed every sandbox they made: nothing is left for the factory to clean.
        assertThat(cgroups()).as("cgroups left behind by the engine").isEqualTo(cgroupsBefore);
        assertThat(scratchDirs()).as("scratch directories left behind by the engine").isEmpty();
        factory.close();
        assertThat(cgroups()).as("cgroups left behind").isEqualTo(cgroupsBefore);
        assertThat(scratchDirs()).as("scratch directories left behind").isEmpty();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (ProcessHandle.current().descendants().count() > processesBefore && System.nanoTime() < deadline) {
            LockSupport.parkNanos(20_000_000L);
        }
        assertThat(ProcessHandle.current().descendants().count()).as("processes left behind")
                .isEqualTo(processesBefore);
        removeParents();
    }

    /** Removes this JVM's (empty) parent cgroups and scratch root. */
    private static void removeParents() {
        try {
            for (String c : HIERARCHIES) {
                Files.deleteIfExists(Path.of("/sys/fs/cgroup").resolve(c).resolve(PARENT));
            }
            Files.deleteIfExists(SCRATCH);
        } catch (IOException e) {
            throw new IllegalStateException("test parents not removed: " + e.getMessage(), e);
        }
    }
}
