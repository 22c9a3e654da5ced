package io.forewarm.predict.policy;

import io.forewarm.core.Window;
import io.forewarm.predict.Policy;
import io.forewarm.predict.PolicyProvider;
import io.forewarm.predict.UnitPolicy;
import io.forewarm.predict.UnitProfile;

import java.util.Arrays;

/**
 * Timer detection: functions with a timer trigger fire on a fixed period (Shahrad et al., "Serverless in the
 * Wild", USENIX ATC 2020, find timers among the most common triggers and the most regular arrivals),
 * sometimes missing a tick. From the last idle times the unit's period T is the most common
 * idle time; it is accepted when at least {@code support} of the idle times are whole multiples of T (a
 * multiple is a run of missed ticks) within a tolerance, and at least three are T itself. The sandbox is then
 * loaded just before the next tick, {@code T - lead}, and released right after it, {@code T + lead}, where the
 * lead covers the unit's cold-start time and the jitter seen around T. A tick is predicted from the last
 * arrival, so a missed tick costs one cold start and the phase carries on.
 *
 * <p>An application often runs several timers (every 5 minutes and every 30, say), whose union has no single
 * period but a fixed phase within the hour. So the policy also keeps, for each minute of a {@code cycle}
 * (60 minutes), the exponentially weighted share ({@code alpha} per cycle) of cycles in which that minute was
 * active; without a period it loads the sandbox over the next run of minutes whose share reaches
 * {@code threshold}. With neither, it keeps the sandbox alive for {@code fallback} minutes.
 */
public final class Periodic implements Policy {

    /** {@code periodic[:history=32,support=0.8,tolerance=0.02,fallback=10,cycle=60,alpha=0.25,threshold=0.5]}. */
    public static final PolicyProvider PROVIDER = PolicyProvider.of("periodic", "fallback",
            "detects timer periods (with missed ticks) and loads just around the next tick, else keeps"
            + " alive (periodic:history=32,support=0.8,tolerance=0.02,fallback=10 minutes,cycle=60,alpha=0.25,"
            + "threshold=0.5)",
            spec -> {
                return new Periodic(spec.text(), spec.whole("history", 32, 4, 256),
                        spec.number("support", 0.8, 0.5, 1), spec.number("tolerance", 0.02, 0, 0.2),
                        spec.number("fallback", 10, 0, 10_080), spec.whole("cycle", 60, 0, 1440),
                        spec.number("alpha", 0.25, 0.001, 1), spec.number("threshold", 0.5, 0.01, 1));
            });

    private static final long MINUTE = 60_000;
    /** Idle times shorter than this are several calls of one tick, not a period. */
    private static final long SAME_TICK_MILLIS = 1_000;
    /** A multiple of T up to this many is read as missed ticks; longer gaps are a pause, not a timer. */
    private static final int MAX_MISSED = 4;

    private final String spec;
    private final int history;
    private final double support;
    private final double tolerance;
    private final Window fallback;

    private final int cycle;
    private final float alpha;
    private final double threshold;

    private Periodic(String spec, int history, double support, double tolerance, double fallbackMinutes, int cycle,
                     double alpha, double threshold) {
        this.cycle = cycle;
        this.alpha = (float) alpha;
        this.threshold = threshold;
        this.spec = spec;
        this.history = history;
        this.support = support;
        this.tolerance = tolerance;
        this.fallback = new Window(0, Math.round(fallbackMinutes * MINUTE));
    }

    @Override
    public String spec() {
        return spec;
    }

    @Override
    public UnitPolicy newUnit(UnitProfile profile) {
        return new Unit(profile.id(), profile.coldStartMillis());
    }

    /**
     * A detected period and the jitter around it.
     *
     * @param periodMillis the period
     * @param jitterMillis the largest distance of a supporting idle time from its multiple of the period
     */
    record Period(long periodMillis, long jitterMillis) {
    }

    /**
     * The period of {@code its} (idle times in ms, any order), or null when they do not look like a timer.
     * Exposed for tests.
     */
    Period detect(long[] its, int n) {
        if (n < 3) {
            return null;
        }
        long[] sorted = Arrays.copyOf(its, n);
        Arrays.sort(sorted);
        // The most common idle time, with nearby values (within the tolerance) counted together.
        long mode = 0;
        int modeCount = 0;
        for (int i = 0, j = 0; i < n; i++) {
            while (sorted[i] - sorted[j] > slack(sorted[j])) {
                j++;
            }
            if (i - j + 1 > modeCount) {
                modeCount = i - j + 1;
                mode = sorted[(i + j) / 2];
            }
        }
        if (modeCount < 3 || mode < 2 * MINUTE) { // a 1-minute "period" is just a busy unit
            return null;
        }
        int supporting = 0;
        long jitter = 0;
        for (int i = 0; i < n; i++) {
            long k = Math.round((double) sorted[i] / mode);
            long off = Math.abs(sorted[i] - k * mode);
            if (k >= 1 && k <= MAX_MISSED && off <= slack(mode)) {
                supporting++;
                jitter = Math.max(jitter, off);
            }
        }
        return supporting >= support * n ? new Period(mode, jitter) : null;
    }

    /** How far from a multiple of the period an idle time may fall: the tolerance, at least a minute. */
    private long slack(long period) {
        return Math.max(MINUTE, Math.round(tolerance * period));
    }

    /** One unit's recent idle times and what they say. */
    private final class Unit implements UnitPolicy, NextCall {
        private final String id;
        private final long coldStartMillis;
        private final long[] ring = new long[history];
        private int added;
        private long last = Long.MIN_VALUE;
        private int arrivals;
        private Period period;
        private Window window;
        private final PhaseShares phase = cycle > 0 ? new PhaseShares(cycle, alpha, threshold) : null;

        Unit(String id, long coldStartMillis) {
            this.id = id;
            this.coldStartMillis = coldStartMillis;
        }

        @Override
        public Window onArrival(long now) {
            if (arrivals > 0) {
                UnitPolicy.requireInOrder("periodic", id, last, now);
            }
            boolean newIdleTime = arrivals > 0 && now - last >= SAME_TICK_MILLIS;
            arrivals++;
            long minute = Math.floorDiv(now, MINUTE);
            if (phase != null) {
                phase.fold(minute);
            }
            if (arrivals > 1 && !newIdleTime) {
                return window; // another call of the same tick
            }
            if (newIdleTime) {
                int slot = added % ring.length;
                boolean same = added >= ring.length && ring[slot] == now - last;
                ring[slot] = now - last;
                added++;
                if (!same) {
                    // Replacing an idle time by an equal one leaves the multiset, and so the answer, unchanged:
                    // a busy unit's run of 1-minute idle times costs no sorting.
                    period = detect(ring, Math.min(added, ring.length));
                }
            }
            last = now;
            Window phased = period == null && phase != null ? nextActiveRun(minute, now) : null;
            window = period != null ? aroundNextTick(period) : phased != null ? phased : fallback;
            return window;
        }

        /** The next run of minutes within one cycle whose share reaches the threshold, or null if none. */
        private Window nextActiveRun(long minute, long now) {
            int from = -1;
            int until = -1;
            for (int d = 1; d <= cycle; d++) {
                boolean on = phase.at(minute + d) >= threshold;
                if (on && from < 0) {
                    from = d;
                } else if (!on && from >= 0) {
                    break;
                }
                if (on) {
                    until = d;
                }
            }
            if (from < 0) {
                return null;
            }
            // Clock minutes from..until after the arrival's own, however far into its minute the arrival came.
            return IdleWindows.onClock(Window.ofMinutes(from, until - from), now);
        }

        /**
         * With a period, the next tick surely at it; else each minute of the next cycle comes first with its
         * phase share times the chance that no minute before it came, and the rest later.
         */
        @Override
        public boolean nextCall(double[] mass, double weight) {
            if (arrivals == 0 || period == null && phase == null) {
                return false;
            }
            if (period != null) {
                NextCall.add(mass, Math.round((double) period.periodMillis() / MINUTE), weight);
                return true;
            }
            long minute = Math.floorDiv(last, MINUTE);
            double left = weight;
            for (int d = 1; d <= cycle; d++) {
                double share = phase.at(minute + d);
                NextCall.add(mass, d, left * share);
                left *= 1 - share;
            }
            NextCall.add(mass, Double.MAX_VALUE, left);
            return true;
        }

        private Window aroundNextTick(Period p) {
            long lead = Math.max(coldStartMillis, p.jitterMillis());
            long from = Math.max(0, p.periodMillis() - lead);
            return new Window(from, p.periodMillis() + lead - from);
        }

        /** The detected period, or null. */
        Period period() {
            return period;
        }

        @Override
        public void verify() {
            if ((window == null) != (arrivals == 0)) {
                throw new IllegalStateException("periodic policy, unit " + id + ": window " + window + " after "
                        + arrivals + " arrivals");
            }
            if (period != null && (period.periodMillis() < 2 * MINUTE || period.jitterMillis() < 0)) {
                throw new IllegalStateException("periodic policy, unit " + id + ": bad period " + period);
            }
        }

        @Override
        public long stateBytes() {
            return HeapBytes.object(5, 2, 2, 0) + HeapBytes.array(ring.length, 8)
                    + (phase == null ? 0 : phase.heapBytes())
                    + (period == null ? 0 : HeapBytes.object(0, 0, 2, 0)) + HeapBytes.object(0, 0, 2, 0);
        }
    }
}
