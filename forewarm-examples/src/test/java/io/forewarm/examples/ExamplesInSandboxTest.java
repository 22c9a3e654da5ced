package io.forewarm.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.forewarm.core.ExitKind;
import io.forewarm.core.FunctionSpec;
import io.forewarm.core.ResourceVector;
import io.forewarm.sandbox.Invocation;
import io.forewarm.sandbox.Sandbox;
import io.forewarm.sandbox.SandboxConfig;
import io.forewarm.sandbox.SandboxException;
import io.forewarm.sandbox.SandboxFactories;
import io.forewarm.sandbox.SandboxFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The example functions, run for real in sandboxes of whatever backend this host provides. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExamplesInSandboxTest {

    private static final Path SHIM = Path.of("../runtimes/python/forewarm_runtime.py").toAbsolutePath().normalize();
    private static final Path PY = Path.of("src/main/python").toAbsolutePath();

    /** Per test JVM, so test runs in other worktrees at the same time cannot collide. */
    private static final String PARENT = "forewarm-examples-test-" + ProcessHandle.current().pid();
    private static final Path SCRATCH = Path.of("/var/tmp", PARENT);

    private SandboxFactory factory;
    private String python;

    @BeforeAll
    void start() throws IOException, InterruptedException {
        factory = SandboxFactories.detect(SandboxConfig.defaults()
                .withPlace(PARENT, SCRATCH));
        Process p = new ProcessBuilder("python3", "-c", "import sys; print(sys.executable)").start();
        python = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor();
    }

    @AfterAll
    void stop() throws IOException {
        factory.close();
        // every sandbox is gone, so the parents are empty: deleting them fails loudly otherwise
        for (String c : new String[] {"", "cpu", "cpuacct", "memory", "pids", "blkio", "freezer"}) {
            java.nio.file.Files.deleteIfExists(Path.of("/sys/fs/cgroup", c, PARENT));
        }
        java.nio.file.Files.deleteIfExists(SCRATCH);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Invocation r) {
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitKind.OK);
        return new String(r.output(), StandardCharsets.UTF_8);
    }

    @Test
    void javaEchoRoundTripsBytes() {
        try (Sandbox s = factory.create(Launchers.java("echo-java", Echo.class)
                .limits(ResourceVector.of(1, 256L << 20)).pidsLimit(128).build())) {
            assertThat(text(s.invoke(bytes("hello")))).isEqualTo("hello");
            assertThat(s.invoke(new byte[0]).output()).isEmpty();
        }
    }

    @Test
    void slowInitWorkerIsReadyOnlyAfterItsDataIsLoaded() {
        try (Sandbox s = factory.create(Launchers.java("slow-init", SlowInit.class).initPayload(new byte[] {3})
                .limits(ResourceVector.of(1, 256L << 20)).pidsLimit(128).build())) {
            assertThat(s.startup()).isGreaterThanOrEqualTo(Duration.ofMillis(SlowInit.INIT_MILLIS));
            assertThat(text(s.invoke(bytes("k10")))).isEqualTo("30");
            assertThat(text(s.invoke(bytes("nope")))).isEqualTo("missing");
        }
    }

    @Test
    void slowInitBeyondTheInitTimeoutIsAnInitFailure() {
        assertThatThrownBy(() -> factory.create(Launchers.java("slow-init-late", SlowInit.class)
                .initTimeout(Duration.ofMillis(150)).pidsLimit(128).build()))
                .isInstanceOfSatisfying(SandboxException.class,
                        e -> assertThat(e.kind()).isEqualTo(ExitKind.INIT_FAILURE));
    }

    @Test
    void cpuHeavyCountsPrimesInJavaAndPython() {
        assertThat(CpuHeavy.countPrimes(100)).isEqualTo(25);
        try (Sandbox j = factory.create(Launchers.java("cpu-java", CpuHeavy.class).pidsLimit(128).build());
             Sandbox p = factory.create(Launchers.python("cpu-python", python, SHIM, PY.resolve("cpu_heavy.py"))
                     .build())) {
            assertThat(text(j.invoke(bytes("10000")))).isEqualTo("1229");
            assertThat(text(p.invoke(bytes("10000")))).isEqualTo("1229");
            assertThat(j.usage().cpuNanos()).isPositive();
        }
    }

    @Test
    void fourJvmWorkersStartedAtOnceInTheirOwnPidNamespacesAllBecomeReady() throws Exception {
        boolean namespaces = factory.isolation().notes().stream().noneMatch(n -> n.startsWith("namespaces not used"));
        List<CompletableFuture<Sandbox>> starts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            FunctionSpec launcher = Launchers.java("jvm-" + i, Echo.class).build();
            // +UsePerfData (before -cp, so it wins over the launcher's -UsePerfData) brings the /tmp/hsperfdata
            // contention back: every JVM is pid 1 of its namespace, and all but one warn. The warning must go to
            // stderr, never onto stdout, the protocol's channel.
            List<String> argv = new ArrayList<>(launcher.argv());
            argv.add(argv.indexOf("-cp"), "-XX:+UsePerfData");
            FunctionSpec spec = FunctionSpec.builder(launcher.name(), FunctionSpec.Kind.WORKER, argv)
                    .limits(ResourceVector.of(0.5, 256L << 20)).pidsLimit(128).initTimeout(Duration.ofSeconds(60))
                    .build();
            starts.add(CompletableFuture.supplyAsync(() -> factory.create(spec)));
        }
        List<Sandbox> ready = new ArrayList<>();
        List<Throwable> failed = new ArrayList<>();
        for (CompletableFuture<Sandbox> f : starts) {
            try {
                ready.add(f.join());
            } catch (CompletionException e) {
                failed.add(e.getCause());
            }
        }
        try {
            assertThat(failed).as("init failures").isEmpty();
            for (Sandbox s : ready) {
                assertThat(s.state()).isEqualTo(Sandbox.State.READY);
                assertThat(text(s.invoke(bytes("hi " + s.spec().name())))).isEqualTo("hi " + s.spec().name());
            }
            if (namespaces) {
                assertThat(ready).as("the JVMs did contend for one perf-data file").anySatisfy(s ->
                        assertThat(s.stderrTail()).contains("hsperfdata"));
            }
        } finally {
            ready.forEach(Sandbox::close);
        }
    }

    @Test
    void pythonEchoRoundTripsBytes() {
        try (Sandbox s = factory.create(Launchers.python("echo-python", python, SHIM, PY.resolve("echo.py"))
                .build())) {
            byte[] binary = {0, (byte) 0xfe, 10, 13};
            Invocation r = s.invoke(binary);
            assertThat(r.exit()).isEqualTo(ExitKind.OK);
            assertThat(r.output()).containsExactly(binary);
        }
    }
}
