package io.forewarm.sandbox;

import io.forewarm.sandbox.SandboxConfig.Backend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Chooses and builds the sandbox backend for this host: linux-cgroup-v2, linux-cgroup-v1 or process. */
public final class SandboxFactories {

    /** A backend choice and why. */
    record Choice(Backend backend, String reason) {
    }

    private SandboxFactories() {
    }

    /**
     * Builds the factory {@code config} asks for, detecting the backend when it says AUTO. A forced backend that the
     * host cannot provide fails naming it; AUTO falls back to the process backend, loudly, when cgroups are present
     * but unusable (no privilege).
     */
    public static SandboxFactory detect(SandboxConfig config) {
        Path root = config.cgroupRoot();
        Choice choice = choose(config.backend(), isV2(root), isV1(root));
        try {
            return new ManagedFactory(provider(config, choice), config);
        } catch (IOException e) {
            if (config.backend() != Backend.AUTO) {
                throw new IllegalStateException("sandbox backend " + config.backend() + " is not usable: "
                        + e.getMessage(), e);
            }
            Choice fallback = new Choice(Backend.PROCESS, choice.reason() + ", but not usable (" + e.getMessage()
                    + ")");
            try {
                return new ManagedFactory(provider(config, fallback), config);
            } catch (IOException again) {
                throw new UncheckedIOException("no sandbox backend is usable: " + again.getMessage(), again);
            }
        }
    }

    /** Pure backend choice from what the host exposes. */
    static Choice choose(Backend requested, boolean v2, boolean v1) {
        return switch (requested) {
            case PROCESS -> new Choice(Backend.PROCESS, "forced by configuration");
            case CGROUP_V2 -> v2 ? new Choice(Backend.CGROUP_V2, "forced by configuration")
                    : unavailable(requested, "no unified cgroup hierarchy (cgroup.controllers) at the cgroup root");
            case CGROUP_V1 -> v1 ? new Choice(Backend.CGROUP_V1, "forced by configuration")
                    : unavailable(requested, "no cgroup v1 cpu, memory and pids hierarchies at the cgroup root");
            case AUTO -> v2 ? new Choice(Backend.CGROUP_V2, "unified cgroup v2 hierarchy found")
                    : v1 ? new Choice(Backend.CGROUP_V1, "cgroup v1 hierarchies found (no unified v2 at the root)")
                    : new Choice(Backend.PROCESS, "no cgroup hierarchy found");
        };
    }

    private static Choice unavailable(Backend requested, String why) {
        throw new IllegalStateException("sandbox backend " + requested + " is not available: " + why);
    }

    private static PartitionProvider provider(SandboxConfig config, Choice choice) throws IOException {
        return switch (choice.backend()) {
            case CGROUP_V2 -> new CgroupProvider(config, Cgroup.Version.V2, choice.reason());
            case CGROUP_V1 -> new CgroupProvider(config, Cgroup.Version.V1, choice.reason());
            default -> new ProcessProvider(config, choice.reason());
        };
    }

    private static boolean isV2(Path root) {
        return Files.isRegularFile(root.resolve("cgroup.controllers"));
    }

    private static boolean isV1(Path root) {
        return Files.isRegularFile(root.resolve("memory/cgroup.procs"))
                && Files.isRegularFile(root.resolve("cpu/cgroup.procs"))
                && Files.isRegularFile(root.resolve("pids/cgroup.procs"));
    }
}
