package io.forewarm.sandbox;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Where and how sandboxes are built.
 *
 * @param backend        which backend to use, or AUTO to detect
 * @param cgroupRoot     where cgroup file systems are mounted
 * @param cgroupParent   the cgroup (one path segment) under which each sandbox gets its own
 * @param scratchRoot    the directory under which each sandbox gets its scratch directory
 * @param namespaces     whether to give workers new mount, pid, ipc and uts namespaces when privileged
 * @param isolateNetwork whether the namespaces include a new, empty network namespace
 * @param stderrLogBytes how much of a sandbox's stderr to keep (ring log)
 * @param maxMessageBytes largest frame or command output accepted from a function
 */
public record SandboxConfig(Backend backend, Path cgroupRoot, String cgroupParent, Path scratchRoot,
                            boolean namespaces, boolean isolateNetwork, int stderrLogBytes, int maxMessageBytes) {

    /** The isolation backend to use. */
    public enum Backend {
        /** Detect: cgroup v2, else cgroup v1, else plain processes. */
        AUTO,
        /** Linux cgroup v2 (unified hierarchy). */
        CGROUP_V2,
        /** Linux cgroup v1 (one hierarchy per controller). */
        CGROUP_V1,
        /** Plain processes with rlimits: no isolation. */
        PROCESS
    }

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");

    /** Validates every field, naming the bad one. */
    public SandboxConfig {
        if (backend == null || cgroupRoot == null || scratchRoot == null) {
            throw new IllegalArgumentException("sandbox config: backend, cgroupRoot and scratchRoot are required");
        }
        if (cgroupParent == null || !SEGMENT.matcher(cgroupParent).matches()) {
            throw new IllegalArgumentException("sandbox config: cgroupParent must be one path segment "
                    + "[A-Za-z0-9][A-Za-z0-9_.-]* but was '" + cgroupParent + "'");
        }
        if (!scratchRoot.isAbsolute()) {
            throw new IllegalArgumentException("sandbox config: scratchRoot must be absolute but was '"
                    + scratchRoot + "'");
        }
        if (stderrLogBytes < 1024) {
            throw new IllegalArgumentException("sandbox config: stderrLogBytes must be >= 1024 but was "
                    + stderrLogBytes);
        }
        if (maxMessageBytes < 1024) {
            throw new IllegalArgumentException("sandbox config: maxMessageBytes must be >= 1024 but was "
                    + maxMessageBytes);
        }
    }

    /** Auto-detected backend, parent cgroup {@code forewarm}, scratch under /var/tmp/forewarm, namespaces on. */
    public static SandboxConfig defaults() {
        return new SandboxConfig(Backend.AUTO, Path.of("/sys/fs/cgroup"), "forewarm", Path.of("/var/tmp/forewarm"),
                true, true, 64 * 1024, 64 * 1024 * 1024);
    }

    /** This config with another backend. */
    public SandboxConfig withBackend(Backend b) {
        return new SandboxConfig(b, cgroupRoot, cgroupParent, scratchRoot, namespaces, isolateNetwork,
                stderrLogBytes, maxMessageBytes);
    }

    /** This config with another parent cgroup and scratch root. */
    public SandboxConfig withPlace(String parent, Path scratch) {
        return new SandboxConfig(backend, cgroupRoot, parent, scratch, namespaces, isolateNetwork,
                stderrLogBytes, maxMessageBytes);
    }

    /** This config with namespaces switched on or off. */
    public SandboxConfig withNamespaces(boolean on, boolean network) {
        return new SandboxConfig(backend, cgroupRoot, cgroupParent, scratchRoot, on, network, stderrLogBytes,
                maxMessageBytes);
    }
}
