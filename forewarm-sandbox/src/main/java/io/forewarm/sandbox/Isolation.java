package io.forewarm.sandbox;

import java.util.List;

/**
 * The isolation a factory provides.
 *
 * @param backend  {@code linux-cgroup-v2}, {@code linux-cgroup-v1} or {@code process}
 * @param isolated whether sandboxes get cgroup limits (false: plain processes with rlimits only)
 * @param reason   why this backend was chosen
 * @param notes    what is not enforced on this host (e.g. namespaces unavailable, unknown io device)
 */
public record Isolation(String backend, boolean isolated, String reason, List<String> notes) {

    /** Copies the notes. */
    public Isolation {
        notes = List.copyOf(notes);
    }
}
