package io.forewarm.sandbox;

import io.forewarm.core.FunctionSpec;
import io.forewarm.core.ResourceVector;

/** Creates sandboxes on one isolation backend; closing it closes every sandbox it still holds. */
public interface SandboxFactory extends AutoCloseable {

    /** Which backend isolates sandboxes, and why it was chosen. */
    Isolation isolation();

    /**
     * Creates a ready sandbox for {@code spec} with {@code limits}: partition, scratch with warm-up files, and for a
     * worker the process started and READY within the init timeout.
     *
     * @throws SandboxException with {@link io.forewarm.core.ExitKind#INIT_FAILURE} when the worker fails to start
     */
    Sandbox create(FunctionSpec spec, ResourceVector limits);

    /** Creates a sandbox with the spec's own limits. */
    default Sandbox create(FunctionSpec spec) {
        return create(spec, spec.limits());
    }

    /** Closes every sandbox created by this factory that is still open. */
    @Override
    void close();
}
