package io.forewarm.engine;

import io.forewarm.core.ExecutionRecord;
import io.forewarm.core.ExitKind;
import io.forewarm.core.ResourceVector;
import io.forewarm.sandbox.Sandbox;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

import static io.forewarm.engine.TestRig.MB;
import static io.forewarm.engine.TestRig.bytes;
import static io.forewarm.engine.TestRig.testFn;
import static io.forewarm.engine.TestRig.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The orchestrator on real sandboxes: routing, queueing, eviction, failures, concurrency, limits, draining. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OrchestratorTest {

    /** Shared by the tests of this class and its subclass. */
    TestRig rig;

    /** The sandboxes the tests run on: the host's detected backend. */
    TestRig newRig() {
        return new TestRig();
    }

    @BeforeAll
    void rig() {
        rig = newRig();
    }

    @AfterAll
    void nothingLeftBehind() {
        rig.close();
    }

    private Orchestrator engine(EngineConfig config) {
        return rig.engine(config, InstantSource.system());
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not reached in 20 s").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    /** When a run started: its arrival plus the time it waited for a sandbox. */
    private static java.time.Instant started(ExecutionRecord r) {
        return r.arrival().plusMillis(r.queueMillis());
    }

    private List<ExecutionRecord> recordsOf(Orchestrator engine, String function) {
        return rig.recordsOf(engine, function);
    }

    @Test
    void firstCallIsColdAndTheNextIsWarmWithoutInitTime() {
        try (Orchestrator engine = engine(TestRig.config())) {
            engine.register(testFn("cold-warm").build());
            InvokeResult cold = engine.invoke("cold-warm", bytes("echo:one"));
            InvokeResult warm = engine.invoke("cold-warm", bytes("echo:two"));
            assertThat(cold.exit()).isEqualTo(ExitKind.OK);
            assertThat(text(cold.output())).isEqualTo("one");
            assertThat(cold.cold()).isTrue();
            assertThat(cold.initMillis()).isPositive();
            assertThat(text(warm.output())).isEqualTo("two");
            assertThat(warm.cold()).isFalse();
            assertThat(warm.initMillis()).isZero();
            assertThat(recordsOf(engine, "cold-warm")).extracting(ExecutionRecord::cold).containsExactly(true, false);
        }
    }

    @Test
    void aFullQueueRejectsAtOnceAndAWaiterPastItsDeadlineGetsCapacity() throws Exception {
        EngineConfig config = TestRig.config().withQueue(1, Duration.ofMillis(1500));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Orchestrator engine = engine(config)) {
            engine.register(testFn("one-at-a-time").maxConcurrency(1).build());
            Future<InvokeResult> busy = pool.submit(() -> engine.invoke("one-at-a-time", bytes("sleep:4")));
            await(() -> engine.status().function("one-at-a-time").busy() == 1);
            Future<InvokeResult> waiter = pool.submit(() -> engine.invoke("one-at-a-time", bytes("echo:late")));
            await(() -> engine.status().queued() == 1);

            InvokeResult rejected = engine.invoke("one-at-a-time", bytes("echo:rejected"));
            assertThat(rejected.exit()).isEqualTo(ExitKind.CAPACITY);
            assertThat(rejected.message()).startsWith("queue full (1 waiting)");
            assertThat(rejected.rejection()).isEqualTo(Rejection.QUEUE_FULL);

            InvokeResult timedOut = waiter.get();
            assertThat(timedOut.exit()).isEqualTo(ExitKind.CAPACITY);
            assertThat(timedOut.message()).startsWith("no capacity within 1500 ms");
            assertThat(timedOut.queueMillis()).isGreaterThanOrEqualTo(1500);
            assertThat(timedOut.rejection()).isEqualTo(Rejection.DEADLINE);
            assertThat(busy.get().exit()).isEqualTo(ExitKind.OK);
            assertThat(busy.get().rejection()).isEqualTo(Rejection.NONE);
            assertThat(recordsOf(engine, "one-at-a-time")).extracting(ExecutionRecord::exit)
                    .containsExactlyInAnyOrder(ExitKind.OK, ExitKind.CAPACITY, ExitKind.CAPACITY);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aWaiterGetsTheSandboxWhenItComesFree() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(1);
        try (Orchestrator engine = engine(TestRig.config().withQueue(4, Duration.ofSeconds(20)))) {
            engine.register(testFn("handover").maxConcurrency(1).build());
            Future<InvokeResult> first = pool.submit(() -> engine.invoke("handover", bytes("sleep:1.5")));
            await(() -> engine.status().function("handover").busy() == 1);
            InvokeResult second = engine.invoke("handover", bytes("echo:after"));
            assertThat(first.get().exit()).isEqualTo(ExitKind.OK);
            assertThat(second.exit()).isEqualTo(ExitKind.OK);
            assertThat(text(second.output())).isEqualTo("after");
            assertThat(second.cold()).isFalse();
            assertThat(second.queueMillis()).isPositive();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void waitersAreServedInTheOrderTheyCame() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<String> served = java.util.Collections.synchronizedList(new ArrayList<>());
        try (Orchestrator engine = engine(TestRig.config().withQueue(4, Duration.ofSeconds(20)))) {
            engine.register(testFn("fifo").maxConcurrency(1).build());
            Future<InvokeResult> busy = pool.submit(() -> engine.invoke("fifo", bytes("sleep:2")));
            await(() -> engine.status().function("fifo").busy() == 1);
            // The first waiter sleeps 0.3 s, so served in order the second starts 0.3 s after it; the order is
            // read from when each run started (arrival + queue wait), not from when its caller woke up.
            Future<?> first = pool.submit(() -> served.add(text(engine.invoke("fifo", bytes("sleep:0.3")).output())));
            await(() -> engine.status().queued() == 1);
            Future<?> second = pool.submit(() -> served.add(text(engine.invoke("fifo", bytes("echo:second"))
                    .output())));
            await(() -> engine.status().queued() == 2);
            busy.get();
            first.get();
            second.get();
            assertThat(served).hasSize(2).contains("second");
            List<ExecutionRecord> byArrival = recordsOf(engine, "fifo").stream()
                    .sorted(java.util.Comparator.comparing(ExecutionRecord::arrival)).toList();
            assertThat(byArrival).hasSize(3);
            assertThat(started(byArrival.get(1))).isBefore(started(byArrival.get(2)));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void underPressureTheIdleSandboxOfLeastValueIsEvicted() {
        // Room for two 64 MB sandboxes, not three.
        EngineConfig config = TestRig.config().withCapacity(ResourceVector.of(2, 160 * MB));
        try (Orchestrator engine = engine(config)) {
            engine.register(testFn("cheap").build(), "test-window:keep=600000,value=1");
            engine.register(testFn("dear").build(), "test-window:keep=600000,value=100");
            engine.register(testFn("newcomer").build(), "test-window:keep=600000,value=50");
            engine.invoke("dear", bytes("echo:x"));
            engine.invoke("cheap", bytes("echo:x"));
            InvokeResult r = engine.invoke("newcomer", bytes("echo:in"));
            assertThat(r.exit()).isEqualTo(ExitKind.OK);
            assertThat(r.cold()).isTrue();
            EngineStatus s = engine.status();
            assertThat(s.function("cheap").warm()).isZero();
            assertThat(s.function("dear").warm()).isEqualTo(1);
            assertThat(s.function("newcomer").warm()).isEqualTo(1);
            assertThat(s.allocated().memoryBytes()).isEqualTo(128 * MB);
            // one function's status reads the same as its entry in the whole status
            for (String fn : List.of("cheap", "dear", "newcomer")) {
                assertThat(engine.status(fn)).isEqualTo(s.function(fn));
            }
            assertThat(engine.status("ghost")).isNull();
        }
    }

    @Test
    void aBusySandboxIsNeverEvictedEvenIfItIsWorthLeast() throws Exception {
        EngineConfig config = TestRig.config().withCapacity(ResourceVector.of(2, 160 * MB));
        ExecutorService pool = Executors.newFixedThreadPool(1);
        try (Orchestrator engine = engine(config)) {
            engine.register(testFn("cheap-busy").build(), "test-window:keep=600000,value=1");
            engine.register(testFn("dear-idle").build(), "test-window:keep=600000,value=100");
            engine.register(testFn("newcomer2").build(), "test-window:keep=600000,value=50");
            engine.invoke("dear-idle", bytes("echo:x"));
            Future<InvokeResult> busy = pool.submit(() -> engine.invoke("cheap-busy", bytes("sleep:3")));
            await(() -> engine.status().function("cheap-busy").busy() == 1);
            InvokeResult r = engine.invoke("newcomer2", bytes("echo:in"));
            assertThat(r.exit()).isEqualTo(ExitKind.OK);
            assertThat(engine.status().function("dear-idle").warm()).isZero();
            assertThat(busy.get().exit()).isEqualTo(ExitKind.OK);
            assertThat(text(busy.get().output())).isEqualTo("slept 3");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void eachFailureIsReportedWithItsKindAndTheSandboxIsReplaced() {
        try (Orchestrator engine = engine(TestRig.config())) {
            // 2 s: short for the test, long enough for an echo on a host loaded by other builds
            engine.register(testFn("fails").timeout(Duration.ofSeconds(2)).build());
            List<ExitKind> kinds = new ArrayList<>();
            for (String cmd : List.of("crash:", "sleep:8", "garbage:")) {
                InvokeResult failed = engine.invoke("fails", bytes(cmd));
                kinds.add(failed.exit());
                assertThat(failed.output()).isEmpty();
                assertThat(engine.status().function("fails").warm()).as("replaced after " + cmd).isZero();
                InvokeResult next = engine.invoke("fails", bytes("echo:back"));
                assertThat(next.cold()).as(next.toString()).isTrue();
                assertThat(text(next.output())).as(next.toString()).isEqualTo("back");
            }
            assertThat(kinds).containsExactly(ExitKind.CRASH, ExitKind.TIMEOUT, ExitKind.PROTOCOL);

            InvokeResult error = engine.invoke("fails", bytes("error:bad input"));
            assertThat(error.exit()).isEqualTo(ExitKind.FUNCTION_ERROR);
            assertThat(error.message()).contains("bad input");
            assertThat(engine.invoke("fails", bytes("echo:same")).cold()).as("a function error keeps the sandbox")
                    .isFalse();
            assertThat(recordsOf(engine, "fails")).extracting(ExecutionRecord::exit).contains(ExitKind.CRASH,
                    ExitKind.TIMEOUT, ExitKind.PROTOCOL, ExitKind.FUNCTION_ERROR);
            assertThat(engine.status().allocated().memoryBytes()).isEqualTo(64 * MB);
        }
    }

    @Test
    void eachRecordsPeakMemoryIsThatRunsOwn() {
        try (Orchestrator engine = engine(TestRig.config())) {
            engine.register(testFn("peaks").limits(ResourceVector.of(0.5, 100 * MB)).build());
            assertThat(engine.invoke("peaks", bytes("touch:48")).exit()).isEqualTo(ExitKind.OK);
            InvokeResult small = engine.invoke("peaks", bytes("echo:small"));
            assertThat(small.cold()).as(small.toString()).isFalse();
            List<ExecutionRecord> recs = recordsOf(engine, "peaks");
            assertThat(recs).hasSize(2);
            assertThat(recs.get(0).peakMemoryBytes()).isGreaterThanOrEqualTo(48 * MB);
            // the 48 MB were given back before the second run: its peak must not carry the first one's
            assertThat(recs.get(1).peakMemoryBytes()).isPositive().isLessThan(48 * MB);
        }
    }

    @Test
    void aRunAccountedAfterItsSuccessorStartedKeepsItsOwnPeak() throws InterruptedException {
        try (Orchestrator engine = engine(TestRig.config())) {
            engine.register(testFn("handover").limits(ResourceVector.of(0.5, 100 * MB)).build());
            assertThat(engine.invoke("handover", bytes("echo:warm")).exit()).isEqualTo(ExitKind.OK);
            engine.flushRecords();
            Slot slot = engine.pool().get("handover").slots().getFirst();
            // what a monitor sees on a host too busy to account a run before the next one starts on its sandbox
            UsageMonitor monitor = new UsageMonitor(Duration.ofSeconds(10));
            try {
                UsageMonitor.Peaks[] peaks = new UsageMonitor.Peaks[2];
                UsageMonitor.Sampling first = monitor.start(slot, false);
                assertThat(slot.sandbox().invoke(bytes("touch:48")).ok()).isTrue();
                UsageMonitor.Sampling second = monitor.start(slot, false);
                monitor.finish(first, false, p -> peaks[0] = p);
                assertThat(slot.sandbox().invoke(bytes("echo:small")).ok()).isTrue();
                monitor.finish(second, false, p -> peaks[1] = p);
                monitor.flush();
                assertThat(peaks[0].peakMemoryBytes()).as("handed over by the second run's start")
                        .isGreaterThanOrEqualTo(48 * MB);
                assertThat(peaks[1].peakMemoryBytes()).isPositive().isLessThan(48 * MB);
                // one read after both: their cpu is split evenly
                assertThat(peaks[0].cpuMillis()).isEqualTo(peaks[1].cpuMillis());
            } finally {
                monitor.close();
            }
        }
    }

    @Test
    void runsThatEndOutOfTheOrderTheyStartedInAreAllAccountedTogether() throws InterruptedException {
        try (Orchestrator engine = engine(TestRig.config())) {
            engine.register(testFn("out-of-order").limits(ResourceVector.of(0.5, 100 * MB)).build());
            assertThat(engine.invoke("out-of-order", bytes("echo:warm")).exit()).isEqualTo(ExitKind.OK);
            engine.flushRecords();
            Slot slot = engine.pool().get("out-of-order").slots().getFirst();
            // as on a pipelined sandbox: the second run joins the first, and its caller is done first
            UsageMonitor monitor = new UsageMonitor(Duration.ofSeconds(10));
            try {
                UsageMonitor.Peaks[] peaks = new UsageMonitor.Peaks[2];
                UsageMonitor.Sampling first = monitor.start(slot, false);
                UsageMonitor.Sampling second = monitor.start(slot, true);
                assertThat(slot.sandbox().invoke(bytes("touch:20")).ok()).isTrue();
                assertThat(slot.sandbox().invoke(bytes("echo:x")).ok()).isTrue();
                monitor.finish(second, false, p -> peaks[1] = p);
                monitor.flush();
                assertThat(peaks[1]).as("waits for the first, still under way").isNull();
                monitor.finish(first, false, p -> peaks[0] = p);
                monitor.flush();
                // one read after both: their cpu split evenly, the memory peak the first's (the second did not reset it)
                assertThat(peaks[0].cpuMillis()).isNotNegative().isEqualTo(peaks[1].cpuMillis());
                assertThat(peaks[0].peakMemoryBytes()).isGreaterThanOrEqualTo(20 * MB);
            } finally {
                monitor.close();
            }
        }
    }

    @Test
    void aWorkerThatDiedWhileIdleIsReplacedNotReportedAsACrash() throws Exception {
        try (Orchestrator engine = engine(TestRig.config())) {
            engine.register(testFn("mortal").build());
            assertThat(engine.invoke("mortal", bytes("exit-later:0.1")).exit()).isEqualTo(ExitKind.OK);
            // no housekeeper runs here: the request path itself must notice
            await(() -> engine.pool().get("mortal").slots().stream()
                    .anyMatch(s -> s.sandbox().state() == Sandbox.State.DEAD));
            InvokeResult next = engine.invoke("mortal", bytes("echo:alive"));
            assertThat(next.exit()).as(next.toString()).isEqualTo(ExitKind.OK);
            assertThat(next.cold()).isTrue();
            assertThat(text(next.output())).isEqualTo("alive");
            assertThat(recordsOf(engine, "mortal")).extracting(ExecutionRecord::exit)
                    .containsExactly(ExitKind.OK, ExitKind.OK);
        }
    }

    @Test
    void anInitFailureIsReportedAndHoldsNoCapacity() {
        try (Orchestrator engine = engine(TestRig.config())) {
            engine.register(testFn("bad-init").initPayload(bytes("fail")).build());
            InvokeResult r = engine.invoke("bad-init", bytes("echo:x"));
            assertThat(r.exit()).isEqualTo(ExitKind.INIT_FAILURE);
            assertThat(r.cold()).isTrue();
            assertThat(r.message()).contains("bad-init");
            assertThat(engine.status().allocated()).isEqualTo(ResourceVector.ZERO);
            assertThat(recordsOf(engine, "bad-init")).extracting(ExecutionRecord::exit)
                    .containsExactly(ExitKind.INIT_FAILURE);
        }
    }

    @Test
    void concurrentCallersAllGetTheirOwnAnswers() throws Exception {
        int threads = 8;
        int calls = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (Orchestrator engine = engine(TestRig.config().withQueue(64, Duration.ofSeconds(60)))) {
            engine.register(testFn("shared").maxConcurrency(4).limits(ResourceVector.of(0.25, 64 * MB)).build());
            List<CompletableFuture<List<String>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(CompletableFuture.supplyAsync(() -> {
                    List<String> wrong = new ArrayList<>();
                    for (int i = 0; i < calls; i++) {
                        String want = thread + "-" + i;
                        InvokeResult r = engine.invoke("shared", bytes("echo:" + want));
                        if (!r.ok() || !want.equals(text(r.output()))) {
                            wrong.add(want + " -> " + r);
                        }
                    }
                    return wrong;
                }, pool));
            }
            for (var f : futures) {
                assertThat(f.get()).isEmpty();
            }
            EngineStatus.FunctionStatus s = engine.status().function("shared");
            assertThat(s.warm()).isBetween(1, 4);
            assertThat(s.busy()).isZero();
            assertThat(recordsOf(engine, "shared")).hasSize(threads * calls)
                    .allSatisfy(r -> assertThat(r.exit()).isEqualTo(ExitKind.OK));
        } finally {
            pool.shutdownNow();
        }
    }

    /** Invocations holding the function's sandboxes now (running, or waiting in a worker's pipeline). */
    private static int holding(Orchestrator engine, String function) {
        return engine.pool().get(function).slots().stream().mapToInt(Slot::holders).sum();
    }

    /** Waits until {@code function}'s sandboxes are held by {@code n} invocations; says what it saw if never. */
    private static void awaitHolding(Orchestrator engine, String function, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (holding(engine, function) != n) {
            assertThat(System.nanoTime()).as("not %d holding %s in 20 s: %s, queued %d", n, function,
                    engine.pool().get(function).slots().stream().map(x -> x + " held by " + x.holders()).toList(),
                    engine.status().function(function).queued()).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @Test
    void aPipelinedFunctionsCallersRideTheBusySandboxInsteadOfQueueing(@TempDir Path dir) throws Exception {
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try (Orchestrator engine = engine(TestRig.config())) {
            engine.register(testFn("rider").maxConcurrency(1).pipelineDepth(4).build());
            Path gate = dir.resolve("gate");
            Future<InvokeResult> head = pool.submit(() -> engine.invoke("rider", bytes("wait:" + gate)));
            await(() -> Files.exists(Path.of(gate + ".waiting"))); // the worker runs it: others queue behind
            List<Future<InvokeResult>> riders = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String want = "r" + i;
                riders.add(pool.submit(() -> engine.invoke("rider", bytes("echo:" + want))));
            }
            awaitHolding(engine, "rider", 4);
            EngineStatus.FunctionStatus riding = engine.status().function("rider");
            assertThat(riding.queued()).isZero();
            assertThat(riding.busy()).isEqualTo(1);
            assertThat(riding.running()).isEqualTo(4);
            // the pipeline is full: a fifth caller waits in the queue for room
            Future<InvokeResult> fifth = pool.submit(() -> engine.invoke("rider", bytes("echo:r3")));
            await(() -> engine.status().function("rider").queued() == 1);
            Files.createFile(gate);
            assertThat(text(head.get().output())).isEqualTo("released");
            for (int i = 0; i < 3; i++) {
                InvokeResult r = riders.get(i).get();
                assertThat(text(r.output())).isEqualTo("r" + i);
                assertThat(r.cold()).isFalse();
            }
            assertThat(text(fifth.get().output())).isEqualTo("r3");
            EngineStatus.FunctionStatus s = engine.status().function("rider");
            assertThat(s.warm()).isEqualTo(1);
            assertThat(s.busy()).isZero();
            assertThat(holding(engine, "rider")).isZero();
            assertThat(recordsOf(engine, "rider")).hasSize(5)
                    .allSatisfy(r -> assertThat(r.exit()).isEqualTo(ExitKind.OK))
                    .filteredOn(ExecutionRecord::cold).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void callersBehindACrashInThePipelineRunOnAnotherSandbox(@TempDir Path dir) throws Exception {
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try (Orchestrator engine = engine(TestRig.config())) {
            engine.register(testFn("crash-ahead").maxConcurrency(1).pipelineDepth(4).build());
            Path gate = dir.resolve("gate");
            Future<InvokeResult> head = pool.submit(() -> engine.invoke("crash-ahead", bytes("wait:" + gate)));
            await(() -> Files.exists(Path.of(gate + ".waiting"))); // the worker runs it: others queue behind
            Future<InvokeResult> crash = pool.submit(() -> engine.invoke("crash-ahead", bytes("crash:")));
            awaitHolding(engine, "crash-ahead", 2);
            List<Future<InvokeResult>> behind = List.of(
                    pool.submit(() -> engine.invoke("crash-ahead", bytes("echo:a"))),
                    pool.submit(() -> engine.invoke("crash-ahead", bytes("echo:b"))));
            awaitHolding(engine, "crash-ahead", 4);
            Files.createFile(gate);
            assertThat(head.get().exit()).isEqualTo(ExitKind.OK);
            assertThat(crash.get().exit()).isEqualTo(ExitKind.CRASH);
            // they never reached the crashed worker: a new sandbox ran them
            assertThat(behind.get(0).get()).as("%s", behind.get(0).get()).extracting(r -> text(r.output())).isEqualTo("a");
            assertThat(text(behind.get(1).get().output())).isEqualTo("b");
            List<ExecutionRecord> records = recordsOf(engine, "crash-ahead");
            assertThat(records).hasSize(4);
            assertThat(records).filteredOn(r -> r.exit() == ExitKind.CRASH).hasSize(1);
            assertThat(records).filteredOn(ExecutionRecord::cold).hasSize(2);
            assertThat(engine.status().function("crash-ahead").warm()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void unregisterWaitsForRunningCallsThenClosesEverything() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(1);
        try (Orchestrator engine = engine(TestRig.config())) {
            engine.register(testFn("leaving").build());
            engine.invoke("leaving", bytes("echo:warm"));
            Future<InvokeResult> running = pool.submit(() -> engine.invoke("leaving", bytes("sleep:0.5")));
            await(() -> engine.status().function("leaving").busy() == 1);
            engine.unregister("leaving");
            // Not killed by the unregistering: it ran to its end.
            assertThat(running.get().exit()).isEqualTo(ExitKind.OK);
            assertThat(text(running.get().output())).isEqualTo("slept 0.5");
            assertThat(engine.status().functions()).isEmpty();
            assertThat(engine.status().allocated()).isEqualTo(ResourceVector.ZERO);
            assertThatThrownBy(() -> engine.invoke("leaving", bytes("echo:x")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown function 'leaving'");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theDefaultPolicyDrivesAFunctionRegisteredWithoutOne() {
        String defaultPolicy = EngineConfig.defaults().defaultPolicy();
        try (Orchestrator engine = engine(TestRig.config().withDefaultPolicy(defaultPolicy))) {
            engine.register(testFn("defaulted").build());
            engine.invoke("defaulted", bytes("echo:1"));
            engine.invoke("defaulted", bytes("echo:2"));
            EngineStatus.FunctionStatus s = engine.status().function("defaulted");
            assertThat(s.policy()).isEqualTo(defaultPolicy);
            assertThat(s.window()).as("the window returned at the last arrival").isNotNull();
        }
    }

    @Test
    void registrationRejectsWhatCannotWork() {
        try (Orchestrator engine = engine(TestRig.config())) {
            engine.register(testFn("twice").build());
            assertThatThrownBy(() -> engine.register(testFn("twice").build()))
                    .hasMessageContaining("'twice' is already registered");
            assertThatThrownBy(() -> engine.register(testFn("huge").limits(ResourceVector.of(1, 4096 * MB)).build()))
                    .hasMessageContaining("'huge' needs").hasMessageContaining("host capacity");
            assertThatThrownBy(() -> engine.register(testFn("typo").build(), "fixed:keep=1,kep=2"))
                    .hasMessageContaining("kep=2");
            assertThatThrownBy(() -> engine.invoke("twice", null)).hasMessageContaining("payload of 'twice' is null");
            assertThatThrownBy(() -> engine.register(testFn("seer").build(), "oracle"))
                    .hasMessageContaining("'oracle' needs foresight");
        }
    }

    @Test
    void statusReportsTheBackendAndTheBudget() {
        try (Orchestrator engine = engine(TestRig.config())) {
            engine.register(testFn("seen").build());
            engine.invoke("seen", bytes("echo:x"));
            EngineStatus s = engine.status();
            assertThat(s.isolationBackend()).isEqualTo(rig.factory.isolation().backend());
            assertThat(s.isolationReason()).isNotBlank();
            assertThat(s.capacity()).isEqualTo(ResourceVector.of(2, 1024 * MB));
            assertThat(s.allocated()).isEqualTo(ResourceVector.of(0.5, 64 * MB));
            assertThat(s.free()).isEqualTo(ResourceVector.of(1.5, 960 * MB));
            assertThat(s.function("seen")).satisfies(f -> {
                assertThat(f.warm()).isEqualTo(1);
                assertThat(f.busy()).isZero();
                assertThat(f.policy()).isEqualTo("fixed:10");
                assertThat(f.window()).isNotNull();
            });
        }
    }
}
