package io.forewarm.sandbox;

import static io.forewarm.sandbox.TestWorkers.bytes;
import static io.forewarm.sandbox.TestWorkers.text;
import static io.forewarm.sandbox.TestWorkers.worker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.forewarm.core.ExitKind;
import io.forewarm.core.FunctionSpec;
import io.forewarm.core.ResourceVector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The Linux cgroup backend, for real: limits enforced by the kernel, failures classified, nothing left behind. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CgroupSandboxTest {

    private static final long MB = 1 << 20;

    private SandboxFactory factory;
    private long processesBefore;
    private Set<String> cgroupsBefore;

    @BeforeAll
    void start() throws IOException {
        assumeTrue(TestWorkers.cgroupsUsable(), "needs root and a cgroup hierarchy");
        processesBefore = ProcessHandle.current().descendants().count();
        factory = SandboxFactories.detect(TestWorkers.config(SandboxConfig.Backend.AUTO));
        cgroupsBefore = TestWorkers.testCgroups();
    }

    @AfterAll
    void nothingLeftBehind() throws IOException, InterruptedException {
        if (factory == null) {
            return;
        }
        factory.close();
        assertThat(TestWorkers.testCgroups()).isEqualTo(cgroupsBefore).isEmpty();
        TestWorkers.closeAndCheckNothingLeft(factory, processesBefore);
    }

    @Test
    void detectsTheCgroupVersionOfThisHost() {
        Isolation iso = factory.isolation();
        assertThat(iso.isolated()).isTrue();
        String expected = Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers")) ? "linux-cgroup-v2"
                : "linux-cgroup-v1";
        assertThat(iso.backend()).isEqualTo(expected);
        assertThat(iso.reason()).isNotBlank();
    }

    @Test
    void workerEchoesBinaryPayloadsAfterInit() {
        byte[] binary = {0, 1, (byte) 0xff, 5, 0};
        try (Sandbox s = factory.create(worker("echo").initPayload(bytes("seed")).build())) {
            assertThat(s.state()).isEqualTo(Sandbox.State.READY);
            assertThat(s.startup()).isPositive();
            assertThat(text(s.invoke(bytes("init:")).output())).isEqualTo("seed");
            byte[] in = new byte[5 + binary.length];
            System.arraycopy(bytes("echo:"), 0, in, 0, 5);
            System.arraycopy(binary, 0, in, 5, binary.length);
            Invocation r = s.invoke(in);
            assertThat(r.exit()).isEqualTo(ExitKind.OK);
            assertThat(r.output()).containsExactly(binary);
        }
    }

    @Test
    void memoryLimitKillIsReportedAsOom() {
        FunctionSpec spec = worker("hog").limits(ResourceVector.of(0, 64 * MB)).build();
        try (Sandbox s = factory.create(spec)) {
            Invocation small = s.invoke(bytes("alloc:8"));
            assertThat(small.exit()).isEqualTo(ExitKind.OK);
            assertThat(s.usage().memoryPeakBytes()).isGreaterThan(8 * MB);
            Invocation r = s.invoke(bytes("alloc:300"));
            assertThat(r.exit()).as(r.toString()).isEqualTo(ExitKind.OOM);
            assertThat(r.message()).contains("memory limit");
            assertThat(s.usage().oomKills()).isPositive();
            assertThat(s.state()).isEqualTo(Sandbox.State.DEAD);
            assertThatThrownBy(() -> s.invoke(bytes("echo:x"))).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aWorkerThatNeverReadsItsStdinCannotHoldTheHostPastTheTimeout() {
        // a 1 MB init payload fills the pipe long before it is written: the host's write blocks until the watchdog
        // kills the worker at the init timeout
        FunctionSpec deaf = FunctionSpec.builder("deaf", FunctionSpec.Kind.WORKER,
                List.of(TestWorkers.python(), "-c", "import time; time.sleep(60)"))
                .initPayload(new byte[1 << 20]).initTimeout(Duration.ofMillis(500)).build();
        assertThatThrownBy(() -> factory.create(deaf))
                .isInstanceOfSatisfying(SandboxException.class,
                        e -> assertThat(e.kind()).isEqualTo(ExitKind.INIT_FAILURE))
                .hasMessageContaining("no READY within the init timeout");
    }

    @Test
    void takeMemoryPeakHandsTheEndedPeakOverAndResets() {
        FunctionSpec spec = worker("take").limits(ResourceVector.of(0, 256 * MB)).build();
        try (Sandbox s = factory.create(spec)) {
            assertThat(s.invoke(bytes("alloc:64")).ok()).isTrue();
            long taken = s.takeMemoryPeak();
            if (!factory.isolation().backend().equals("linux-cgroup-v1")) {
                assertThat(taken).as("v2 cannot reset the peak").isEqualTo(-1);
                return;
            }
            assertThat(taken).as("the peak of the 64 MB run").isGreaterThan(64 * MB);
            assertThat(s.invoke(bytes("echo:small")).ok()).isTrue();
            assertThat(s.takeMemoryPeak()).as("the small run's own peak").isPositive().isLessThan(64 * MB);
        }
    }

    @Test
    void resetMemoryPeakMakesThePeakOneRunsOnV1() {
        FunctionSpec spec = worker("peak").limits(ResourceVector.of(0, 256 * MB)).build();
        try (Sandbox s = factory.create(spec)) {
            assertThat(s.invoke(bytes("alloc:64")).ok()).isTrue();
            assertThat(s.usage().memoryPeakBytes()).isGreaterThan(64 * MB);
            boolean v1 = factory.isolation().backend().equals("linux-cgroup-v1");
            assertThat(s.resetMemoryPeak()).isEqualTo(v1);
            assertThat(s.invoke(bytes("echo:small")).ok()).isTrue();
            if (v1) {
                // the 64 MB were freed after the first run: the peak since the reset is the small run's
                assertThat(s.usage().memoryPeakBytes()).isLessThan(64 * MB);
            }
        }
    }

    @Test
    void cpuQuotaSlowsABusyLoop() {
        FunctionSpec spec = worker("spin").limits(ResourceVector.of(0.2, 0)).build();
        try (Sandbox s = factory.create(spec)) {
            long cpu0 = s.usage().cpuNanos();
            Invocation r = s.invoke(bytes("spin:1.5"));
            assertThat(r.exit()).isEqualTo(ExitKind.OK);
            String[] cpuWall = text(r.output()).split(" ");
            double ratio = Double.parseDouble(cpuWall[0]) / Double.parseDouble(cpuWall[1]);
            // 0.2 core of quota: well under half a core whatever else runs on the host
            assertThat(ratio).isLessThan(0.35);
            long cgroupCpu = s.usage().cpuNanos() - cpu0;
            assertThat(cgroupCpu).isPositive();
            assertThat(cgroupCpu / 1e9 / Double.parseDouble(cpuWall[1])).isLessThan(0.35);
        }
    }

    @Test
    void pidsLimitStopsAForkBomb() {
        FunctionSpec spec = worker("forker").pidsLimit(16).build();
        try (Sandbox s = factory.create(spec)) {
            Invocation r = s.invoke(bytes("fork:200"));
            assertThat(r.exit()).as(r.toString()).isEqualTo(ExitKind.OK);
            assertThat(Integer.parseInt(text(r.output()))).isBetween(1, 15);
            assertThat(s.usage().processes()).isLessThanOrEqualTo(16);
            assertThat(text(s.invoke(bytes("echo:alive")).output())).isEqualTo("alive");
        }
    }

    @Test
    void timeoutKillsEveryProcessOfTheSandbox() {
        try (Sandbox s = factory.create(worker("sleeper").build())) {
            Invocation r = s.invoke(bytes("child:"), Duration.ofMillis(700));
            assertThat(r.exit()).isEqualTo(ExitKind.TIMEOUT);
            assertThat(r.runTime()).isGreaterThanOrEqualTo(Duration.ofMillis(700));
            assertThat(s.state()).isEqualTo(Sandbox.State.DEAD);
            assertThat(s.usage().processes()).isZero();
        }
    }

    @Test
    void closeDuringAnInvocationEndsItWithoutWaitingForTheTimeout() throws Exception {
        Sandbox s = factory.create(worker("closer").build());
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CompletableFuture<Invocation> running = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> {
                    started.countDown();
                    return s.invoke(bytes("sleep:60"), Duration.ofSeconds(120));
                });
        started.await();
        Thread.sleep(300);
        s.close();
        Invocation r = running.get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(r.exit()).isEqualTo(ExitKind.CRASH);
        assertThat(s.state()).isEqualTo(Sandbox.State.CLOSED);
    }

    @Test
    void crashFunctionErrorAndProtocolBreachEachHaveTheirKind() {
        try (Sandbox s = factory.create(worker("faulty").build())) {
            Invocation failed = s.invoke(bytes("fail:"));
            assertThat(failed.exit()).isEqualTo(ExitKind.FUNCTION_ERROR);
            assertThat(failed.message()).contains("asked to fail");
            assertThat(s.invoke(bytes("echo:still")).ok()).isTrue();
            Invocation crash = s.invoke(bytes("crash:"));
            assertThat(crash.exit()).isEqualTo(ExitKind.CRASH);
            assertThat(crash.message()).contains("exit status 3");
        }
        try (Sandbox s = factory.create(worker("idle-death").build())) {
            assertThat(text(s.invoke(bytes("die_later:0.1")).output())).isEqualTo("dying");
            pauseForTheReader();
            assertThat(s.state()).as("a worker that died while idle").isEqualTo(Sandbox.State.DEAD);
            Invocation r = s.invoke(bytes("echo:late"));
            assertThat(r.exit()).as(r.toString()).isEqualTo(ExitKind.CRASH);
            assertThat(r.message()).contains("worker closed stdout");
        }
        FunctionSpec rogue = FunctionSpec.builder("rogue", FunctionSpec.Kind.WORKER,
                List.of(TestWorkers.python(), TestWorkers.resource("rogue.py").toString())).build();
        try (Sandbox s = factory.create(rogue)) {
            Invocation r = s.invoke(bytes("x"));
            assertThat(r.exit()).isEqualTo(ExitKind.PROTOCOL);
            assertThat(r.message()).contains("unknown frame type 9");
            assertThat(s.state()).isEqualTo(Sandbox.State.DEAD);
        }
        FunctionSpec doubler = FunctionSpec.builder("doubler", FunctionSpec.Kind.WORKER,
                List.of(TestWorkers.python(), TestWorkers.resource("rogue.py").toString(), "double")).build();
        try (Sandbox s = factory.create(doubler)) {
            assertThat(text(s.invoke(bytes("x")).output())).isEqualTo("1");
            pauseForTheReader();
            Invocation r = s.invoke(bytes("y"));
            assertThat(r.exit()).isEqualTo(ExitKind.PROTOCOL);
            assertThat(r.message()).contains("unsolicited RESULT");
        }
    }

    /** Gives the worker a moment to act (write its stray frame, or die) before the next call looks. */
    private static void pauseForTheReader() {
        try {
            Thread.sleep(400);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void initFailureAndInitTimeoutAreInitFailures() throws IOException {
        Set<String> before = TestWorkers.testCgroups();
        assertThatThrownBy(() -> factory.create(worker("badinit").initPayload(bytes("fail")).build()))
                .isInstanceOfSatisfying(SandboxException.class,
                        e -> assertThat(e.kind()).isEqualTo(ExitKind.INIT_FAILURE))
                .hasMessageContaining("init refused");
        assertThatThrownBy(() -> factory.create(worker("slowinit").initPayload(bytes("hang"))
                .initTimeout(Duration.ofMillis(500)).build()))
                .isInstanceOfSatisfying(SandboxException.class,
                        e -> assertThat(e.kind()).isEqualTo(ExitKind.INIT_FAILURE))
                .hasMessageContaining("no READY within");
        assertThat(TestWorkers.testCgroups()).isEqualTo(before);
    }

    @Test
    void workerRunsInItsOwnPidAndNetworkNamespaces() {
        try (Sandbox s = factory.create(worker("ns").build())) {
            String[] pidIfaces = text(s.invoke(bytes("ns:")).output()).split(" ");
            assertThat(pidIfaces[0]).isEqualTo("1");
            assertThat(pidIfaces[1]).isEqualTo("lo");
        }
    }

    @Test
    void scratchIsPreloadedAndCappedInSize(@TempDir Path dir) throws IOException {
        Path model = Files.writeString(dir.resolve("model.txt"), "weights");
        FunctionSpec spec = worker("scratch").warmupFiles(Map.of("data/model.txt", model))
                .limits(new ResourceVector(0, 256 * MB, 4 * MB, 0, 0)).build();
        try (Sandbox s = factory.create(spec)) {
            assertThat(text(s.invoke(bytes("read:data/model.txt")).output())).isEqualTo("weights");
            String fill = text(s.invoke(bytes("fill:16")).output());
            // 4 MiB cap, part of it taken by the preloaded file: the fourth MiB no longer fits
            assertThat(fill).contains("No space left on device");
            assertThat(Integer.parseInt(fill.split(" ")[0])).isBetween(2, 3);
        }
    }

    @Test
    void usageCountsTheScratchInUseToThePageUpToAFullScratch() {
        FunctionSpec spec = worker("scratchuse").limits(new ResourceVector(0, 256 * MB, 32 * MB, 0, 0)).build();
        try (Sandbox s = factory.create(spec)) {
            long before = s.usage().scratchBytes();
            assertThat(before).isGreaterThanOrEqualTo(0).isLessThan(MB);
            assertThat(text(s.invoke(bytes("keep:10")).output())).isEqualTo("10 ok");
            assertThat(s.usage().scratchBytes() - before).isEqualTo(10 * MB);
            // rewritten past the cap: ENOSPC, and the whole tmpfs is in use
            assertThat(text(s.invoke(bytes("keep:40")).output())).endsWith("No space left on device");
            assertThat(s.usage().scratchBytes()).isEqualTo(32 * MB);
        }
    }

    @Test
    void aWorkersOwnNetworkNamespaceCountsItsLoopbackTraffic() {
        assumeTrue(factory.isolation().notes().stream().noneMatch(n -> n.startsWith("namespaces not used")),
                "needs unshare to give the worker its own network namespace");
        try (Sandbox s = factory.create(worker("netns").build())) {
            long before = s.usage().netBytes();
            assertThat(before).isGreaterThanOrEqualTo(0);
            assertThat(text(s.invoke(bytes("loop:1000000")).output())).isEqualTo("1000000");
            // every byte is sent and received on lo (counted twice), plus TCP/IP headers and the handshake
            assertThat(s.usage().netBytes() - before).isBetween(2_000_000L, 2_200_000L); // + headers, up to 10 %
        }
    }

    @Test
    void withoutItsOwnNetworkNamespaceASandboxsTrafficIsUnknown() {
        try (SandboxFactory hostNet = SandboxFactories.detect(TestWorkers.config(SandboxConfig.Backend.AUTO)
                .withNamespaces(true, false)); Sandbox s = hostNet.create(worker("hostnet").build())) {
            assertThat(text(s.invoke(bytes("loop:100000")).output())).isEqualTo("100000");
            assertThat(s.usage().netBytes()).isEqualTo(-1);
        }
    }

    @Test
    void resizeRewritesTheLiveLimits() throws IOException {
        try (Sandbox s = factory.create(worker("resize").limits(ResourceVector.of(0.5, 128 * MB)).build())) {
            s.resize(ResourceVector.of(1.0, 256 * MB));
            assertThat(s.limits().memoryBytes()).isEqualTo(256 * MB);
            Path cg = Path.of("/sys/fs/cgroup");
            if (Files.exists(cg.resolve("cgroup.controllers"))) {
                Path dir = cg.resolve(TestWorkers.PARENT).resolve(s.id());
                assertThat(Files.readString(dir.resolve("memory.max")).trim()).isEqualTo(Long.toString(256 * MB));
                assertThat(Files.readString(dir.resolve("cpu.max")).trim()).isEqualTo("100000 100000");
            } else {
                Path mem = cg.resolve("memory").resolve(TestWorkers.PARENT).resolve(s.id());
                assertThat(Files.readString(mem.resolve("memory.limit_in_bytes")).trim())
                        .isEqualTo(Long.toString(256 * MB));
                Path cpu = cg.resolve("cpu").resolve(TestWorkers.PARENT).resolve(s.id());
                assertThat(Files.readString(cpu.resolve("cpu.cfs_quota_us")).trim()).isEqualTo("100000");
            }
            s.resize(ResourceVector.of(0.1, 96 * MB));
            assertThat(s.invoke(bytes("alloc:16")).ok()).isTrue();
        }
    }

    @Test
    void commandFunctionsRunOneProcessPerInvocation() {
        FunctionSpec cat = FunctionSpec.builder("cat", FunctionSpec.Kind.COMMAND, List.of("cat")).build();
        try (Sandbox s = factory.create(cat)) {
            assertThat(text(s.invoke(bytes("one")).output())).isEqualTo("one");
            assertThat(text(s.invoke(bytes("two")).output())).isEqualTo("two");
        }
        FunctionSpec fails = FunctionSpec.builder("exit3", FunctionSpec.Kind.COMMAND,
                List.of("sh", "-c", "echo oops >&2; exit 3")).build();
        try (Sandbox s = factory.create(fails)) {
            Invocation r = s.invoke(new byte[0]);
            assertThat(r.exit()).isEqualTo(ExitKind.FUNCTION_ERROR);
            assertThat(r.message()).contains("exit status 3").contains("oops");
        }
        FunctionSpec sleeps = FunctionSpec.builder("sleep", FunctionSpec.Kind.COMMAND, List.of("sleep", "30")).build();
        try (Sandbox s = factory.create(sleeps)) {
            assertThat(s.invoke(new byte[0], Duration.ofMillis(300)).exit()).isEqualTo(ExitKind.TIMEOUT);
            assertThat(s.state()).isEqualTo(Sandbox.State.READY);
            assertThat(s.usage().processes()).isZero();
        }
        FunctionSpec hog = FunctionSpec.builder("cmdhog", FunctionSpec.Kind.COMMAND,
                List.of(TestWorkers.python(), "-c", "x = b'1' * (300 << 20)"))
                .limits(ResourceVector.of(0, 64 * MB)).build();
        try (Sandbox s = factory.create(hog)) {
            assertThat(s.invoke(new byte[0]).exit()).isEqualTo(ExitKind.OOM);
        }
    }

    @Test
    void maxConcurrencyCapsSandboxesPerFunction() {
        FunctionSpec spec = FunctionSpec.builder("capped", FunctionSpec.Kind.COMMAND, List.of("cat"))
                .maxConcurrency(1).build();
        try (Sandbox first = factory.create(spec)) {
            assertThat(first.state()).isEqualTo(Sandbox.State.READY);
            assertThatThrownBy(() -> factory.create(spec)).isInstanceOfSatisfying(SandboxException.class,
                    e -> assertThat(e.kind()).isEqualTo(ExitKind.CAPACITY));
        }
        factory.create(spec).close();
    }
}
