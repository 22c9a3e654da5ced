package io.forewarm.sandbox;

import io.forewarm.core.FunctionSpec;
import io.forewarm.core.ResourceVector;
import java.time.Duration;

/**
 * One isolated, ready-to-use partition for one function: a resource-limited group of processes, a size-capped
 * scratch directory and, for worker functions, a worker that has already initialized. Invocations run one at a
 * time: a worker sandbox may be called by several threads at once (up to the spec's {@code pipelineDepth}), their
 * inputs then wait in its pipe and are answered in order; a command sandbox runs them one after another. Every
 * failure comes back as an {@link Invocation} with its own {@link io.forewarm.core.ExitKind}, and no call waits
 * longer than its timeout after the invocation before it was answered (plus the time to kill).
 */
public interface Sandbox extends AutoCloseable {

    /** Lifecycle of a sandbox. */
    enum State {
        /** Ready to invoke. */
        READY,
        /** The worker died, timed out or broke the protocol; the sandbox can only be closed. */
        DEAD,
        /** Closed: processes killed, cgroup and scratch removed. */
        CLOSED
    }

    /** Unique id (also the name of its cgroup and scratch directory). */
    String id();

    /** The function this sandbox runs. */
    FunctionSpec spec();

    /** Current limits. */
    ResourceVector limits();

    /** Current state. */
    State state();

    /** How long creation took, from the call to ready (a cold start). */
    Duration startup();

    /**
     * Runs one invocation with {@code timeout}.
     *
     * @throws NotStartedException when the sandbox is not {@link State#READY}, or stopped being so before this
     *                             invocation's turn: nothing of it ran
     */
    Invocation invoke(byte[] payload, Duration timeout);

    /** Runs one invocation with the function's own timeout. */
    default Invocation invoke(byte[] payload) {
        return invoke(payload, spec().timeout());
    }

    /** A live usage sample of the whole sandbox. */
    Usage usage();

    /**
     * Resets the memory peak, so later samples' {@code memoryPeakBytes} is the peak since this call (used to measure
     * one run's peak); false when the backend cannot, and then the peak stays the one since creation.
     */
    boolean resetMemoryPeak();

    /**
     * Resets the memory peak like {@link #resetMemoryPeak()} and returns the peak it ends: the highest memory in use
     * since the previous reset (or creation); -1 when the backend cannot reset. One call, so that a run starting on
     * the sandbox can hand the peak of the run before it over while making the peak its own.
     */
    long takeMemoryPeak();

    /** Changes the limits of the live sandbox (cpu, memory, io; pids stay as in the spec). */
    void resize(ResourceVector limits);

    /** The last bytes the sandbox's processes wrote to stderr (bounded ring log). */
    String stderrTail();

    /** Kills every process (ending a running invocation at once), removes cgroup and scratch; idempotent. */
    @Override
    void close();
}
