package io.forewarm.engine;

import io.forewarm.core.ExecutionRecord;
import io.forewarm.core.ResourceVector;
import io.forewarm.predict.resources.ResourceRecommender;
import io.forewarm.sandbox.SandboxConfig;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;

import static io.forewarm.engine.TestRig.MB;
import static io.forewarm.engine.TestRig.bytes;
import static io.forewarm.engine.TestRig.testFn;
import static io.forewarm.engine.TestRig.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every orchestrator test again on the unprivileged process fallback (no cgroups): routing, queueing,
 * eviction, failures and concurrency must not depend on the backend. Tests of cgroup limits live in
 * {@link CgroupLimitsOrchestratorTest}.
 */
class ProcessFallbackOrchestratorTest extends OrchestratorTest {

    @Override
    TestRig newRig() {
        return new TestRig(SandboxConfig.Backend.PROCESS);
    }

    @Test
    void withoutItsOwnNamespaceOrTmpfsASandboxsNetworkAndScratchAreUnknownAndTheSpecsSizeHolds() {
        EngineConfig everyRun = TestRig.config().withSizing(ResourceRecommender.Config.DEFAULT.withSampling(0, 3));
        try (Orchestrator engine = rig.engine(everyRun, InstantSource.system())) {
            ResourceVector limits = new ResourceVector(0.5, 64 * MB, 32 * MB, 0, 100 * MB);
            engine.register(testFn("blind").limits(limits).minLimits(new ResourceVector(0.5, 64 * MB, MB, 0, MB))
                    .build());
            for (int i = 0; i < 3; i++) {
                assertThat(text(engine.invoke("blind", bytes("loop:100000")).output())).isEqualTo("100000");
            }
            assertThat(rig.recordsOf(engine, "blind")).extracting(ExecutionRecord::netBytes).containsOnly(-1L);
            ResourceVector next = engine.status().function("blind").nextLimits();
            assertThat(next.diskBytes()).isEqualTo(32 * MB);
            assertThat(next.netBytesPerSecond()).isEqualTo(100 * MB);
        }
    }
}
