package io.forewarm.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A factory starting up removes what a crashed earlier run left: its cgroups (and processes) and scratch. */
class LeftoverCleanupTest {

    @Test
    void removesCgroupsProcessesAndScratchOfADeadOwner() throws Exception {
        assumeTrue(TestWorkers.cgroupsUsable(), "needs root and a cgroup hierarchy");
        SandboxConfig config = TestWorkers.config(SandboxConfig.Backend.AUTO);
        Cgroup.Version version = Files.exists(config.cgroupRoot().resolve("cgroup.controllers"))
                ? Cgroup.Version.V2 : Cgroup.Version.V1;
        // an owner that is certainly dead: a process that has exited
        Process owner = new ProcessBuilder("true").start();
        owner.waitFor();
        String name = Names.id(owner.pid(), 1, "ghost");
        Map<String, Path> dirs = Cgroup.layout(version, config.cgroupRoot(), config.cgroupParent() + "/" + name);
        Cgroup.open(version, Cgroup.layout(version, config.cgroupRoot(), config.cgroupParent()));
        Cgroup ghost = Cgroup.open(version, dirs);
        Process orphan = new ProcessBuilder(Launch.joinCgroups(ghost.procsFiles(), List.of("sleep", "300"))).start();
        Scratch.create(config.scratchRoot(), name, 1 << 20, true);
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (ghost.pids().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(ghost.pids()).hasSize(1);

        try (SandboxFactory factory = SandboxFactories.detect(config)) {
            assertThat(factory.isolation().isolated()).isTrue();
            assertThat(orphan.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(dirs.values()).allSatisfy(d -> assertThat(d).doesNotExist());
            assertThat(config.scratchRoot().resolve(name)).doesNotExist();
            assertThat(Scratch.isMountPoint(config.scratchRoot().resolve(name))).isFalse();
        }
        TestWorkers.removeTestParents();
    }
}
