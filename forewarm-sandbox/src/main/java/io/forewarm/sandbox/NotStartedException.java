package io.forewarm.sandbox;

/**
 * The invocation was never handed to the function: the sandbox was not ready when it was called, or, for an
 * invocation waiting in a worker's pipeline, the worker died, timed out or closed before its turn. Nothing of it
 * ran, so the caller may run it elsewhere.
 */
public final class NotStartedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** Why it did not start. */
    public NotStartedException(String message) {
        super(message);
    }
}
