package io.forewarm.engine;

/** Why the engine turned a request away with {@link io.forewarm.core.ExitKind#CAPACITY}, so callers can react. */
public enum Rejection {
    /** Not rejected: the request got a sandbox (or failed for another reason). */
    NONE,
    /** The wait queue was full: rejected at once, without waiting (back off). */
    QUEUE_FULL,
    /** It waited in the queue until the queue deadline and no sandbox came free (overloaded). */
    DEADLINE,
    /** The function was unregistered while the request waited. */
    UNREGISTERED,
    /** The waiting thread was interrupted. */
    INTERRUPTED
}
