package io.forewarm.engine;

import io.forewarm.core.ExecutionRecord;
import io.forewarm.core.ExitKind;
import io.forewarm.core.ResourceVector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;

import static io.forewarm.engine.TestRig.MB;
import static io.forewarm.engine.TestRig.bytes;
import static io.forewarm.engine.TestRig.testFn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The orchestrator against kernel-enforced limits: OOM kills and memory accounting that only the cgroup backend
 * gives. Runs once, on the host's cgroup backend; skipped only on a host that has no usable cgroups at all.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CgroupLimitsOrchestratorTest {

    private TestRig rig;

    @BeforeAll
    void rig() {
        rig = new TestRig();
        if (!rig.isolated()) {
            rig.close();
            assumeTrue(false, "needs cgroup memory limits, which this host cannot give (no root or no hierarchy)");
        }
    }

    @AfterAll
    void nothingLeftBehind() {
        if (rig != null && rig.isolated()) {
            rig.close();
        }
    }

    @Test
    void anOomIsReportedAndRaisesTheMemoryOfTheNextSandbox() {
        try (Orchestrator engine = rig.engine(TestRig.config(), InstantSource.system())) {
            engine.register(testFn("hog").build());
            InvokeResult oom = engine.invoke("hog", bytes("hog:200"));
            assertThat(oom.exit()).isEqualTo(ExitKind.OOM);
            assertThat(oom.limitRaised()).isFalse();
            assertThat(engine.status().function("hog").nextLimits().memoryBytes()).isEqualTo(96 * MB);
            InvokeResult next = engine.invoke("hog", bytes("echo:ok"));
            assertThat(next.cold()).isTrue();
            assertThat(next.exit()).isEqualTo(ExitKind.OK);
            assertThat(next.limitRaised()).isTrue();
            List<ExecutionRecord> recs = rig.recordsOf(engine, "hog");
            assertThat(recs).extracting(ExecutionRecord::limitRaised).containsExactly(false, true);
            assertThat(recs.get(1).limits().memoryBytes()).isEqualTo(96 * MB);
        }
    }

    @Test
    void repeatedRunsNearTheMemoryLimitRaiseItForTheNextSandbox() {
        // Sampling every 20 ms: several samples fall inside each run's 300 ms at its peak even on a busy host.
        EngineConfig config = TestRig.config().withTiming(Duration.ofSeconds(1), Duration.ofMillis(20));
        try (Orchestrator engine = rig.engine(config, InstantSource.system())) {
            engine.register(testFn("near").limits(ResourceVector.of(0.5, 100 * MB)).build());
            for (int i = 0; i < 3; i++) {
                InvokeResult r = engine.invoke("near", bytes("touch:84"));
                assertThat(r.exit()).as(r.toString()).isEqualTo(ExitKind.OK);
            }
            assertThat(rig.recordsOf(engine, "near")).allSatisfy(r ->
                    assertThat(r.peakMemoryBytes()).isGreaterThanOrEqualTo(90 * MB));
            EngineStatus.FunctionStatus s = engine.status().function("near");
            assertThat(s.limitRaised()).isTrue();
            assertThat(s.nextLimits().memoryBytes()).isEqualTo(150 * MB);
            // The warm sandbox keeps its limits; the next one started gets the raised ones.
            assertThat(engine.invoke("near", bytes("echo:x")).limitRaised()).isFalse();
            engine.invoke("near", bytes("crash:"));
            InvokeResult fresh = engine.invoke("near", bytes("echo:fresh"));
            assertThat(fresh.cold()).isTrue();
            assertThat(fresh.limitRaised()).isTrue();
        }
    }
}
