package io.forewarm.engine;

import io.forewarm.sandbox.SandboxConfig;

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
}
