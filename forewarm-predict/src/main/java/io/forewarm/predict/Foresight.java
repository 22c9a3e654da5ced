package io.forewarm.predict;

/**
 * Knowledge of a unit's future arrivals. Only the simulator has it (it replays a recorded trace); it makes
 * the {@code oracle} policy, the lower bound every other policy is judged against.
 */
@FunctionalInterface
public interface Foresight {

    /** Stands in where the future is unknown. */
    Foresight NONE = afterMillis -> {
        throw new UnsupportedOperationException("this policy needs foresight, which only the simulator has");
    };

    /** The time of the first arrival strictly after {@code afterMillis}, or {@link Long#MAX_VALUE} if none. */
    long nextArrivalAfter(long afterMillis);
}
