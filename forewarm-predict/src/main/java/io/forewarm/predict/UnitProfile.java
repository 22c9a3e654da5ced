package io.forewarm.predict;

/**
 * What a policy is told about a unit when it starts tracking it.
 *
 * @param id          the unit's name (function or application)
 * @param memoryMb    the unit's sandbox memory, in MB (0 when unknown)
 * @param coldStartMillis the measured or assumed time a cold start adds
 * @param foresight   the unit's future arrivals; {@link Foresight#NONE} outside the simulator
 */
public record UnitProfile(String id, double memoryMb, long coldStartMillis, Foresight foresight) {

    /** A profile with no foresight, as the live engine builds it. */
    public static UnitProfile of(String id, double memoryMb, long coldStartMillis) {
        return new UnitProfile(id, memoryMb, coldStartMillis, Foresight.NONE);
    }
}
