package io.forewarm.predict;

import java.util.List;

/**
 * A keep-alive and pre-warm policy for one run (one simulation, or one live engine). It holds any state
 * shared across units (e.g. the GreedyDual clock) and creates the per-unit state that decides, after each
 * arrival, the {@link io.forewarm.core.Window} to keep the unit's sandbox loaded in.
 *
 * <p>Implementations are pure: time only enters through the arguments.
 */
public interface Policy {

    /** The spec this policy was created from, e.g. {@code fixed:10} or {@code hybrid:range=240}. */
    String spec();

    /** Creates the per-unit decision state for a unit described by {@code profile}. */
    UnitPolicy newUnit(UnitProfile profile);

    /**
     * Called when the host evicts an idle sandbox of {@code unit} to make room, before its window ended.
     * Policies that age their priorities on eviction (GreedyDual) update their shared state here.
     */
    default void onEvicted(UnitPolicy unit, long nowMillis) {
    }

    /**
     * Called when the host evicts an idle sandbox of {@code unit} whose eviction value ({@link
     * UnitPolicy#sandboxValue}) was {@code sandboxValue}; by default the same as {@link #onEvicted(UnitPolicy,
     * long)}.
     */
    default void onEvicted(UnitPolicy unit, double sandboxValue, long nowMillis) {
        onEvicted(unit, nowMillis);
    }

    /**
     * Called once before a run with every unit's history, for a policy that learns one model across units
     * (the LSTM). It may only look at minutes before {@code untilMinute}: from there on events are scored,
     * and a policy that trained on them would be peeking. {@link Integer#MIN_VALUE} means everything is
     * scored, so there is nothing to learn from. The default learns nothing.
     */
    default void prepare(List<? extends ArrivalHistory> units, int untilMinute) {
    }

    /**
     * Whether this policy learns from other units' arrivals (call chains). Such a policy must see every
     * unit's arrivals in one global time order, so a simulator replays its units together instead of
     * independently; after each arrival it asks {@link #affectedBy} which units to {@link
     * UnitPolicy#reconsider}.
     */
    default boolean crossUnit() {
        return false;
    }

    /**
     * Cross-unit policies: the units whose window may change because {@code arrived} was invoked at
     * {@code nowMillis} (e.g. the followers of a call chain); the caller then asks each to reconsider.
     */
    default java.util.Collection<UnitPolicy> affectedBy(UnitPolicy arrived, long nowMillis) {
        return java.util.List.of();
    }

    /** Whether this policy consults external {@link Signals} (scheduled events, user activity). */
    default boolean usesSignals() {
        return false;
    }

    /** Whether this policy needs {@link UnitProfile#foresight()} (only a simulator can give it). */
    default boolean needsForesight() {
        return false;
    }
}
