package io.forewarm.sandbox;

import io.forewarm.core.FunctionSpec;
import io.forewarm.core.ResourceVector;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What every sandbox kind shares: its partition, stderr ring log, invocation lock and lifecycle. Subclasses add how
 * an invocation runs and, through {@link #endProcesses()}, what else must end when the sandbox closes.
 */
abstract class AbstractSandbox implements Sandbox {

    final String id;
    final FunctionSpec spec;
    final Partition partition;
    final RingLog stderr;
    /** Held for a whole invocation, so invocations run one at a time and close waits for the kill to land. */
    final ReentrantLock lock = new ReentrantLock();
    private final Runnable onClose;
    volatile ResourceVector limits;
    volatile State state = State.READY;
    volatile Duration startup = Duration.ZERO;

    AbstractSandbox(String id, FunctionSpec spec, ResourceVector limits, Partition partition, SandboxConfig config,
                    Runnable onClose) {
        this.id = id;
        this.spec = spec;
        this.limits = limits;
        this.partition = partition;
        this.onClose = onClose;
        this.stderr = new RingLog(config.stderrLogBytes());
    }

    /** Ends the sandbox's own process handles after the partition is closed; nothing by default. */
    void endProcesses() {
    }

    /** The last stderr as a suffix for a failure message, or empty. */
    final String stderrHint() {
        String tail = stderr.tail(2000);
        return tail.isEmpty() ? "" : "; stderr: " + tail;
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final FunctionSpec spec() {
        return spec;
    }

    @Override
    public final ResourceVector limits() {
        return limits;
    }

    @Override
    public State state() {
        return state;
    }

    @Override
    public final Duration startup() {
        return startup;
    }

    @Override
    public final Usage usage() {
        return partition.usage();
    }

    @Override
    public final boolean resetMemoryPeak() {
        return partition.takeMemoryPeak() >= 0;
    }

    @Override
    public final long takeMemoryPeak() {
        return partition.takeMemoryPeak();
    }

    @Override
    public final void resize(ResourceVector newLimits) {
        partition.resize(newLimits);
        limits = newLimits;
    }

    @Override
    public final String stderrTail() {
        return stderr.text();
    }

    @Override
    public final void close() {
        if (state == State.CLOSED) {
            return;
        }
        // kill first, without the lock, so a running invocation ends now instead of at its timeout
        partition.killAll();
        lock.lock();
        try {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            partition.close();
            endProcesses();
            onClose.run();
        } finally {
            lock.unlock();
        }
    }
}
