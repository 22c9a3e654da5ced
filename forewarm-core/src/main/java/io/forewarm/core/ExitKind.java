package io.forewarm.core;

/** How an execution ended. Each failure has its own kind so callers and history can tell them apart. */
public enum ExitKind {
    /** The function returned a result. */
    OK,
    /** The function ran and reported an error of its own (non-zero exit, error reply). */
    FUNCTION_ERROR,
    /** The worker process died unexpectedly. */
    CRASH,
    /** The execution exceeded its timeout; the whole process group was killed. */
    TIMEOUT,
    /** The sandbox's memory limit killed the process. */
    OOM,
    /** The worker wrote output that breaks the framed protocol. */
    PROTOCOL,
    /** The worker failed or timed out during initialization (warming). */
    INIT_FAILURE,
    /** No capacity became free before the queue deadline; the function did not run. */
    CAPACITY;

    /** The lower-case name used in JSON, CLI output and metrics labels. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
