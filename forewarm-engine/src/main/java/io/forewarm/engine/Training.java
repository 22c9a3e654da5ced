package io.forewarm.engine;

/**
 * When a function's model was last refitted and why: {@code PERIODIC} when the engine rebuilt it from the
 * function's recorded history on its retraining timer, {@code DRIFT} when the policy itself rebuilt it after
 * detecting drift in its arrivals (the {@code auto} policy's Page-Hinkley test).
 *
 * @param atMillis when ({@link Long#MIN_VALUE}: never)
 * @param reason   why the last one happened
 * @param periodic how many periodic refits so far
 * @param drift    how many drift-triggered refits so far
 */
public record Training(long atMillis, Reason reason, int periodic, int drift) {

    /** Why a model was refitted. */
    public enum Reason {
        /** Never refitted: the model has learned only from arrivals since registration. */
        NONE,
        /** On the engine's retraining timer, from recorded history. */
        PERIODIC,
        /** By the policy, after detecting drift. */
        DRIFT
    }

    /** Not refitted yet. */
    public static final Training NEVER = new Training(Long.MIN_VALUE, Reason.NONE, 0, 0);

    /** After a periodic refit at {@code at}. */
    Training periodicAt(long at) {
        return new Training(at, Reason.PERIODIC, periodic + 1, drift);
    }

    /** After {@code n} drift-triggered refits, the last at {@code at}. */
    Training driftsAt(long at, int n) {
        return new Training(at, Reason.DRIFT, periodic, drift + n);
    }
}
