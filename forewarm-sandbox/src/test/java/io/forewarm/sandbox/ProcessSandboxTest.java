package io.forewarm.sandbox;

import static io.forewarm.sandbox.TestWorkers.bytes;
import static io.forewarm.sandbox.TestWorkers.text;
import static io.forewarm.sandbox.TestWorkers.worker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.forewarm.core.ExitKind;
import io.forewarm.core.FunctionSpec;
import io.forewarm.core.ResourceVector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The unprivileged fallback, forced on this host: plain processes, rlimits, process-group kill. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProcessSandboxTest {

    private static final long MB = 1 << 20;

    private SandboxFactory factory;
    private long processesBefore;

    @BeforeAll
    void start() {
        processesBefore = ProcessHandle.current().descendants().count();
        factory = SandboxFactories.detect(TestWorkers.config(SandboxConfig.Backend.PROCESS));
    }

    @AfterAll
    void nothingLeftBehind() throws IOException, InterruptedException {
        TestWorkers.closeAndCheckNothingLeft(factory, processesBefore);
    }

    @Test
    void saysLoudlyThatThereIsNoIsolation() {
        Isolation iso = factory.isolation();
        assertThat(iso.backend()).isEqualTo("process");
        assertThat(iso.isolated()).isFalse();
        assertThat(iso.reason()).isEqualTo("forced by configuration");
        assertThat(iso.notes()).anyMatch(n -> n.contains("cpu quota not enforced"));
    }

    @Test
    void workerServesInvocationsAndReportsUsage(@TempDir Path dir) throws IOException {
        Path data = Files.writeString(dir.resolve("d.txt"), "preloaded");
        FunctionSpec spec = worker("pecho").initPayload(bytes("hello")).warmupFiles(Map.of("d.txt", data)).build();
        try (Sandbox s = factory.create(spec)) {
            assertThat(text(s.invoke(bytes("init:")).output())).isEqualTo("hello");
            assertThat(text(s.invoke(bytes("read:d.txt")).output())).isEqualTo("preloaded");
            assertThat(s.invoke(bytes("spin:0.2")).ok()).isTrue();
            Usage u = s.usage();
            assertThat(u.cpuNanos()).isPositive();
            assertThat(u.memoryBytes()).isPositive();
            assertThat(u.processes()).isGreaterThanOrEqualTo(1);
            assertThat(u.oomKills()).isEqualTo(-1);
            // a plain directory on the host's file system, the host's network namespace: neither is the sandbox's
            assertThat(text(s.invoke(bytes("keep:1")).output())).isEqualTo("1 ok");
            assertThat(s.usage().scratchBytes()).isEqualTo(-1);
            assertThat(s.usage().netBytes()).isEqualTo(-1);
        }
    }

    @Test
    void timeoutKillsTheWholeProcessGroup() {
        try (Sandbox s = factory.create(worker("psleep").build())) {
            Invocation r = s.invoke(bytes("child:"), Duration.ofMillis(700));
            assertThat(r.exit()).isEqualTo(ExitKind.TIMEOUT);
            assertThat(s.state()).isEqualTo(Sandbox.State.DEAD);
            assertThat(s.usage().processes()).isZero();
        }
    }

    @Test
    void memoryRlimitStopsAnAllocationButCannotReportOom() {
        FunctionSpec spec = worker("phog").limits(ResourceVector.of(0, 128 * MB)).build();
        try (Sandbox s = factory.create(spec)) {
            assertThat(s.invoke(bytes("alloc:8")).ok()).isTrue();
            Invocation r = s.invoke(bytes("alloc:400"));
            // without a memory cgroup the kernel refuses the allocation; Python raises MemoryError
            assertThat(r.exit()).isEqualTo(ExitKind.FUNCTION_ERROR);
            assertThat(r.message()).contains("MemoryError");
            assertThat(s.invoke(bytes("echo:ok")).ok()).isTrue();
        }
    }

    @Test
    void takeMemoryPeakHandsTheEndedVmHwmOverAndResets() {
        try (Sandbox s = factory.create(worker("ptake").limits(ResourceVector.of(0, 256 * MB)).build())) {
            assertThat(s.invoke(bytes("alloc:64")).ok()).isTrue();
            assertThat(s.takeMemoryPeak()).as("the peak of the 64 MB run").isGreaterThan(64 * MB);
            assertThat(s.invoke(bytes("echo:small")).ok()).isTrue();
            assertThat(s.takeMemoryPeak()).as("the small run's own peak").isPositive().isLessThan(64 * MB);
        }
    }

    @Test
    void resetMemoryPeakResetsVmHwm() {
        try (Sandbox s = factory.create(worker("ppeak").limits(ResourceVector.of(0, 256 * MB)).build())) {
            assertThat(s.invoke(bytes("alloc:64")).ok()).isTrue();
            assertThat(s.usage().memoryPeakBytes()).isGreaterThan(64 * MB);
            assertThat(s.resetMemoryPeak()).isTrue();
            assertThat(s.invoke(bytes("echo:small")).ok()).isTrue();
            assertThat(s.usage().memoryPeakBytes()).isLessThan(64 * MB);
        }
    }

    @Test
    void aWorkerThatDiesWhileIdleIsDead() throws InterruptedException {
        try (Sandbox s = factory.create(worker("pidle").build())) {
            assertThat(s.invoke(bytes("die_later:0.1")).ok()).isTrue();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (s.state() == Sandbox.State.READY && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(s.state()).isEqualTo(Sandbox.State.DEAD);
        }
    }

    @Test
    void crashAndInitFailureAreClassified() {
        try (Sandbox s = factory.create(worker("pcrash").build())) {
            assertThat(s.invoke(bytes("crash:")).exit()).isEqualTo(ExitKind.CRASH);
        }
        assertThatThrownBy(() -> factory.create(worker("pinit").initPayload(bytes("hang"))
                .initTimeout(Duration.ofMillis(400)).build()))
                .isInstanceOfSatisfying(SandboxException.class,
                        e -> assertThat(e.kind()).isEqualTo(ExitKind.INIT_FAILURE));
    }

    @Test
    void commandArgvIsPassedVerbatimNeverThroughAShell() throws IOException {
        Path marker = Path.of("/tmp/forewarm-injection-" + ProcessHandle.current().pid());
        String hostile = "$(touch " + marker + "); `touch " + marker + "` ' \" ;|&";
        FunctionSpec spec = FunctionSpec.builder("printf", FunctionSpec.Kind.COMMAND,
                List.of("printf", "%s", hostile)).build();
        try (Sandbox s = factory.create(spec)) {
            assertThat(text(s.invoke(new byte[0]).output())).isEqualTo(hostile);
        }
        assertThat(marker).doesNotExist();
    }
}
