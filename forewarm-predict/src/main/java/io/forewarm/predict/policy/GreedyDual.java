package io.forewarm.predict.policy;

import io.forewarm.core.Window;
import io.forewarm.predict.Policy;
import io.forewarm.predict.PolicyProvider;
import io.forewarm.predict.UnitPolicy;
import io.forewarm.predict.UnitProfile;

/**
 * Keep-alive as caching, after Fuerst and Sharma, "FaasCache: keeping serverless computing alive with
 * greedy-dual caching" (ASPLOS 2021): there is no time-to-live ({@link Window#FOREVER}); a sandbox stays
 * loaded until memory runs short, and then the one with the lowest priority is evicted, where
 * {@code priority = Clock + Frequency × Cost / Size}:
 * <ul>
 *   <li>Clock: the priority of the last evicted sandbox (raised through {@link #onEvicted}), which ages
 *       everything loaded before it: a unit not used since is worth less than one just used;</li>
 *   <li>Frequency: the unit's invocation count so far;</li>
 *   <li>Cost: its cold-start time ({@link UnitProfile#coldStartMillis()}; 1 when unknown, which reduces
 *       the priority to frequency per size);</li>
 *   <li>Size: its memory in MB (1 when unknown).</li>
 * </ul>
 * The priority is refreshed at every arrival and is the unit's {@link UnitPolicy#retentionValue}. As in
 * FaasCache it belongs to each sandbox: a sandbox keeps the priority of its last use ({@link
 * UnitPolicy#sandboxValue}), so the extra sandboxes a burst left behind age like any other entry.
 * FaasCache also resets a function's frequency once all its containers are evicted; a unit policy does not
 * learn that, so here the frequency only grows.
 *
 * <p>With no capacity limit nothing is ever evicted, so in the paper model (which has none) this policy
 * keeps every unit loaded from its first arrival to the end: cold only on first arrivals, maximum waste.
 * It only makes sense in the fleet model with a memory capacity.
 */
public final class GreedyDual implements Policy {

    /** {@code greedy-dual}. */
    public static final PolicyProvider PROVIDER = PolicyProvider.of("greedy-dual", null,
            "FaasCache: no TTL, under memory pressure evict lowest clock + frequency x cost / size",
            spec -> new GreedyDual(spec.text()));

    private final String spec;
    private double clock;

    private GreedyDual(String spec) {
        this.spec = spec;
    }

    @Override
    public String spec() {
        return spec;
    }

    /** The current clock: the priority of the last evicted sandbox (0 before any eviction). */
    public double clock() {
        return clock;
    }

    @Override
    public UnitPolicy newUnit(UnitProfile profile) {
        double cost = profile.coldStartMillis() > 0 ? profile.coldStartMillis() : 1;
        double size = profile.memoryMb() > 0 ? profile.memoryMb() : 1;
        return new Unit(profile.id(), cost / size);
    }

    @Override
    public void onEvicted(UnitPolicy unit, long nowMillis) {
        onEvicted(unit, ((Unit) unit).priority, nowMillis);
    }

    /** The clock becomes the evicted sandbox's priority. */
    @Override
    public void onEvicted(UnitPolicy unit, double sandboxValue, long nowMillis) {
        // Evictions come lowest priority first, so the clock only rises; max() keeps it monotone even if a
        // caller evicts out of order.
        clock = Math.max(clock, sandboxValue);
    }

    /** One unit's frequency and priority. */
    private final class Unit implements UnitPolicy {
        private final String id;
        private final double costPerSize;
        private long frequency;
        private double priority;
        private long last = Long.MIN_VALUE;

        Unit(String id, double costPerSize) {
            this.id = id;
            this.costPerSize = costPerSize;
        }

        @Override
        public Window onArrival(long nowMillis) {
            UnitPolicy.requireInOrder("greedy-dual", id, last, nowMillis);
            last = nowMillis;
            frequency++;
            priority = clock + frequency * costPerSize;
            return Window.FOREVER;
        }

        @Override
        public double retentionValue(long nowMillis) {
            return priority;
        }

        @Override
        public double sandboxValue(double valueAtLastUse, long nowMillis) {
            return valueAtLastUse;
        }

        @Override
        public void verify() {
            if (!Double.isFinite(priority) || priority < 0 || frequency < 0
                    || (frequency > 0 && priority < frequency * costPerSize)) {
                throw new IllegalStateException("greedy-dual unit " + id + ": priority " + priority
                        + " is not clock + frequency " + frequency + " x cost/size " + costPerSize);
            }
        }

        @Override
        public long stateBytes() {
            return 56; // header, id reference, outer reference, two doubles, two longs
        }
    }
}
