package io.forewarm.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On a hybrid host the unified (v2) hierarchy is mounted but every controller is bound to v1: a v2 backend there
 * must refuse loudly when forced, and AUTO must fall back to the process backend, saying why.
 */
class HybridV2DetectionTest {

    private static final Path UNIFIED = Path.of("/sys/fs/cgroup/unified");
    private static final String PARENT = "forewarm-test-v2-" + ProcessHandle.current().pid();

    @BeforeEach
    void hybridHostOnly() throws IOException {
        assumeTrue(TestWorkers.cgroupsUsable() && Files.isRegularFile(UNIFIED.resolve("cgroup.controllers"))
                && !Files.readString(UNIFIED.resolve("cgroup.controllers")).contains("memory"),
                "needs a hybrid host: root, and a cgroup2 mount without cpu/memory/pids at " + UNIFIED);
    }

    @AfterEach
    void removeParent() throws IOException {
        Files.deleteIfExists(UNIFIED.resolve(PARENT));
        Files.deleteIfExists(TestWorkers.SCRATCH);
    }

    private static SandboxConfig config(SandboxConfig.Backend backend) {
        SandboxConfig d = TestWorkers.config(backend);
        return new SandboxConfig(backend, UNIFIED, PARENT, d.scratchRoot(), true, true, d.stderrLogBytes(),
                d.maxMessageBytes());
    }

    @Test
    void forcedV2WithoutControllersFailsNamingThem() {
        assertThatThrownBy(() -> SandboxFactories.detect(config(SandboxConfig.Backend.CGROUP_V2)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("CGROUP_V2")
                .hasMessageContaining("[cpu, memory, pids]");
    }

    @Test
    void autoFallsBackToProcessesSayingWhy() {
        try (SandboxFactory f = SandboxFactories.detect(config(SandboxConfig.Backend.AUTO))) {
            assertThat(f.isolation().backend()).isEqualTo("process");
            assertThat(f.isolation().isolated()).isFalse();
            assertThat(f.isolation().reason()).contains("unified cgroup v2 hierarchy found")
                    .contains("not usable").contains("cpu, memory, pids");
        }
    }
}
