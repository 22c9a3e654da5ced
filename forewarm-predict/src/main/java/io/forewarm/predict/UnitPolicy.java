package io.forewarm.predict;

import io.forewarm.core.Window;

/** The decision state a {@link Policy} keeps for one unit (a function, or an application of functions). */
public interface UnitPolicy {

    /**
     * Records an arrival at {@code nowMillis} (calls come in non-decreasing time) and returns the window to
     * keep the unit's sandbox loaded in until the next arrival.
     */
    Window onArrival(long nowMillis);

    /**
     * Cross-unit policies: asked at {@code nowMillis} (after this unit's last arrival) when another unit's
     * arrival may change this unit's plan. Returns a new window, measured from {@code nowMillis}, that
     * replaces the current one, or null to keep the current one.
     */
    default Window reconsider(long nowMillis) {
        return null;
    }

    /**
     * Asked by a host that ticks (the live engine) at {@code nowMillis}, between arrivals: a new window,
     * measured from {@code nowMillis}, when something other than the unit's own arrivals (a scheduled external
     * {@link Signals signal}) needs its sandbox loaded; null to keep the current one. By default null.
     */
    default Window onSchedule(long nowMillis) {
        return null;
    }

    /** How many times the unit rebuilt its model after detecting drift in its arrivals (0 if it never does). */
    default int drifts() {
        return 0;
    }

    /**
     * The value of keeping this unit's idle sandbox when memory runs short: the lowest is evicted first.
     * The default ranks by nothing, leaving the order to the caller's tie-break (least recently used).
     */
    default double retentionValue(long nowMillis) {
        return 0;
    }

    /**
     * The value of one idle sandbox of this unit for eviction, given the unit's {@link #retentionValue} when
     * that sandbox last served (or was started). By default every sandbox of a unit is worth the unit's value
     * now; GreedyDual keeps the value from the sandbox's last use, as FaasCache's per-container priority does,
     * so an extra sandbox a hot unit has not used for long ages out.
     */
    default double sandboxValue(double valueAtLastUse, long nowMillis) {
        return retentionValue(nowMillis);
    }

    /**
     * Checks the policy's own invariants at the end of a run and throws {@link IllegalStateException}
     * naming the broken one. Called once by every simulation.
     */
    default void verify() {
    }

    /**
     * What the last window rests on, in words, for the forecast API (which model decided, from what); empty
     * when the policy has nothing to add to its window.
     */
    default String explain() {
        return "";
    }

    /** Approximate bytes of heap this unit's state holds, for the per-unit memory budgets. */
    default long stateBytes() {
        return 16;
    }

    /**
     * Fails unless {@code nowMillis} is at or after {@code previousMillis}: every policy relies on arrivals
     * coming in time order, and a simulator or engine that breaks it has a bug worth stopping for.
     */
    static void requireInOrder(String policy, String unit, long previousMillis, long nowMillis) {
        if (nowMillis < previousMillis) {
            throw new IllegalStateException(policy + " policy, unit " + unit + ": arrival at " + nowMillis
                    + " ms comes before the previous one at " + previousMillis + " ms");
        }
    }
}
