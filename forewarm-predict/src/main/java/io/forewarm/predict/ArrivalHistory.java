package io.forewarm.predict;

/**
 * One unit's past arrivals at minute resolution, as the simulator replays them or a history store holds
 * them: what a policy that learns across units ({@link Policy#prepare}) is given to train on. Minutes are
 * numbered as in the trace (minute 0 is midnight of its first day).
 */
public interface ArrivalHistory {

    /** The unit's name. */
    String id();

    /** First minute of the recorded horizon. */
    int firstMinute();

    /** Minutes in the recorded horizon. */
    int minutes();

    /** Whether the unit had at least one arrival in {@code minute}; false outside the horizon. */
    boolean active(int minute);

    /** The first active minute at or after {@code minute}, or -1 if none. */
    int nextActive(int minute);
}
