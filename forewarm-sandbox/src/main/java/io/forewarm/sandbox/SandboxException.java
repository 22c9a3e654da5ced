package io.forewarm.sandbox;

import io.forewarm.core.ExitKind;

/** A sandbox could not be created or changed; {@link #kind()} says how it failed. */
public final class SandboxException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ExitKind kind;

    /** A failure of {@code kind} with a message naming what went wrong. */
    public SandboxException(ExitKind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /** How it failed (INIT_FAILURE for a worker that did not become ready). */
    public ExitKind kind() {
        return kind;
    }
}
