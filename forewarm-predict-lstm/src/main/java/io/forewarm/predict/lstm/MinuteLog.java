package io.forewarm.predict.lstm;

/** What the {@code lstm} policy remembers of one unit's arrivals, minute by minute. */
interface MinuteLog {

    /** Records an arrival in {@code minute}; fails if it is before the last one recorded. */
    void record(int minute);

    /** Whether {@code minute} had an arrival, as far as this log remembers. */
    boolean active(int minute);

    /** The last minute recorded, or {@link Integer#MIN_VALUE} before the first. */
    int last();

    /** Approximate heap bytes. */
    long bytes();
}
