package io.forewarm.predict.policy;

import io.forewarm.core.Window;
import io.forewarm.predict.Policy;
import io.forewarm.predict.PolicyProvider;
import io.forewarm.predict.UnitPolicy;
import io.forewarm.predict.UnitProfile;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Call chains: Shahrad et al. ("Serverless in the Wild", USENIX ATC 2020) note that functions of an
 * application are often invoked by others (orchestrations, queues); Xanadu (Daw et al., Middleware 2020)
 * pre-warms the next function of a chain speculatively. This policy learns "B follows A after d minutes"
 * from the arrivals of all units in time order, and when A arrives it pre-warms B for minute d.
 *
 * <p>Learning: when B arrives after an idle time of at least {@code gap} minutes (when warming it would help),
 * every unit that arrived, also after a gap, exactly d minutes before (1 &le; d &le; {@code delay}) is a
 * candidate leader (A, d). B keeps up to four candidates with hit counts (Misra-Gries: a new one replaces
 * none but lowers them all, so a leader that keeps recurring wins). A candidate with at least {@code min} hits
 * that explains at least {@code confidence} of B's gap arrivals becomes a rule: A gets B as a follower. Minutes
 * with more than {@code crowd} gap arrivals are skipped as evidence: in a crowd every unit looks like a leader.
 * Between chain triggers a unit keeps its sandbox alive for {@code keep} minutes.
 */
public final class Chain implements Policy {

    /** {@code chain[:keep=1,delay=5,gap=3,min=3,confidence=0.6,crowd=64]}. */
    public static final PolicyProvider PROVIDER = PolicyProvider.of("chain", "keep",
            "learns that B follows A within a delay and pre-warms B when A arrives; needs all units in time"
            + " order (chain:keep=1,delay=5,gap=3,min=3,confidence=0.6,crowd=64)",
            spec -> {
                return new Chain(spec.text(), spec.number("keep", 1, 0, 10_080), spec.whole("delay", 5, 1, 60),
                        spec.whole("gap", 3, 1, 1440), spec.whole("min", 3, 1, 1000),
                        spec.number("confidence", 0.6, 0, 1), spec.whole("crowd", 64, 1, 100_000));
            });

    private static final long MINUTE = 60_000;
    private static final int CANDIDATES = 4;
    private static final int FOLLOWERS = 4;

    private final String spec;
    private final Window keep;
    private final int maxDelay;
    private final int gap;
    private final int minHits;
    private final double confidence;
    private final int crowd;
    /** Gap arrivals of the last {@code delay + 1} minutes, by minute modulo the ring's size. */
    private final long[] ringMinute;
    private final List<List<Unit>> ring;

    private Chain(String spec, double keepMinutes, int maxDelay, int gap, int minHits, double confidence,
                  int crowd) {
        this.spec = spec;
        this.keep = new Window(0, Math.round(keepMinutes * MINUTE));
        this.maxDelay = maxDelay;
        this.gap = gap;
        this.minHits = minHits;
        this.confidence = confidence;
        this.crowd = crowd;
        this.ringMinute = new long[maxDelay + 1];
        java.util.Arrays.fill(ringMinute, Long.MIN_VALUE);
        this.ring = new ArrayList<>();
        for (int i = 0; i <= maxDelay; i++) {
            ring.add(new ArrayList<>());
        }
    }

    @Override
    public String spec() {
        return spec;
    }

    @Override
    public boolean crossUnit() {
        return true;
    }

    @Override
    public UnitPolicy newUnit(UnitProfile profile) {
        return new Unit(profile.id());
    }

    @Override
    public synchronized Collection<UnitPolicy> affectedBy(UnitPolicy arrived, long nowMillis) {
        if (!(arrived instanceof Unit a) || a.followers == null) {
            return List.of();
        }
        List<UnitPolicy> out = new ArrayList<>(a.followerCount);
        for (int i = 0; i < a.followerCount; i++) {
            Unit b = a.followers[i];
            b.triggered(nowMillis, a.followerDelays[i]);
            out.add(b);
        }
        return out;
    }

    /** Records a gap arrival of {@code u} at {@code minute}; returns the gap arrivals d minutes earlier. */
    private List<Unit> slot(long minute) {
        int i = (int) Math.floorMod(minute, (long) ring.size());
        if (ringMinute[i] != minute) {
            ringMinute[i] = minute;
            ring.get(i).clear();
        }
        return ring.get(i);
    }

    /** One unit's candidate leaders, its followers and its pending chain-triggered window. */
    final class Unit implements UnitPolicy {
        private final String id;
        private Unit[] candidates;
        private int[] candidateDelays;
        private int[] hits;
        private Unit[] followers;
        private int[] followerDelays;
        private int followerCount;
        private int gapArrivals;
        private long last = Long.MIN_VALUE;
        private int arrivals;
        private long pendingAt = Long.MIN_VALUE; // absolute time a trigger asked this unit to be warm at

        Unit(String id) {
            this.id = id;
        }

        @Override
        public Window onArrival(long now) {
            synchronized (Chain.this) {
                if (arrivals > 0) {
                    UnitPolicy.requireInOrder("chain", id, last, now);
                }
                long minute = Math.floorDiv(now, MINUTE);
                boolean afterGap = arrivals == 0 || now - last >= gap * MINUTE;
                arrivals++;
                last = now;
                if (afterGap) {
                    gapArrivals++;
                    learn(minute);
                    List<Unit> here = slot(minute);
                    if (here.size() <= crowd) {
                        here.add(this);
                    }
                }
                return keep;
            }
        }

        /** Counts the gap arrivals 1..delay minutes before {@code minute} as candidate leaders. */
        private void learn(long minute) {
            for (int d = 1; d <= maxDelay; d++) {
                int i = (int) Math.floorMod(minute - d, (long) ring.size());
                if (ringMinute[i] != minute - d || ring.get(i).size() > crowd) {
                    continue;
                }
                for (Unit a : ring.get(i)) {
                    if (a != this) {
                        count(a, d);
                    }
                }
            }
        }

        private void count(Unit a, int d) {
            if (candidates == null) {
                candidates = new Unit[CANDIDATES];
                candidateDelays = new int[CANDIDATES];
                hits = new int[CANDIDATES];
            }
            int free = -1;
            for (int k = 0; k < CANDIDATES; k++) {
                if (candidates[k] == a && candidateDelays[k] == d) {
                    hits[k]++;
                    if (hits[k] >= minHits && hits[k] >= confidence * gapArrivals) {
                        a.follow(this, d);
                    }
                    return;
                }
                if (candidates[k] == null && free < 0) {
                    free = k;
                }
            }
            if (free >= 0) {
                candidates[free] = a;
                candidateDelays[free] = d;
                hits[free] = 1;
                return;
            }
            for (int k = 0; k < CANDIDATES; k++) {
                if (--hits[k] == 0) {
                    candidates[k] = null;
                }
            }
        }

        /** Adds {@code b} as a follower after {@code d} minutes (once; at most four). */
        private void follow(Unit b, int d) {
            if (followers == null) {
                followers = new Unit[FOLLOWERS];
                followerDelays = new int[FOLLOWERS];
            }
            for (int k = 0; k < followerCount; k++) {
                if (followers[k] == b && followerDelays[k] == d) {
                    return;
                }
            }
            if (followerCount < FOLLOWERS) {
                followers[followerCount] = b;
                followerDelays[followerCount++] = d;
            }
        }

        /** A leader arrived at {@code now}: this unit should be warm {@code delay} minutes later. */
        private void triggered(long now, int delay) {
            pendingAt = now + delay * MINUTE;
        }

        @Override
        public Window reconsider(long now) {
            synchronized (Chain.this) {
                if (pendingAt == Long.MIN_VALUE || pendingAt < now) {
                    return null;
                }
                long at = pendingAt - now;
                pendingAt = Long.MIN_VALUE;
                if (last + keep.keepAliveMillis() >= now + at) {
                    return null; // the keep-alive still covers it
                }
                return new Window(at, keep.keepAliveMillis());
            }
        }

        /** How many followers this unit triggers. */
        int followers() {
            return followerCount;
        }

        @Override
        public void verify() {
            if (gapArrivals > arrivals || followerCount > FOLLOWERS) {
                throw new IllegalStateException("chain policy, unit " + id + ": " + gapArrivals + " gap arrivals of "
                        + arrivals + ", " + followerCount + " followers");
            }
            for (int k = 0; hits != null && k < CANDIDATES; k++) {
                if (hits[k] < 0 || (hits[k] == 0) != (candidates[k] == null)) {
                    throw new IllegalStateException("chain policy, unit " + id + ": candidate " + k + " has "
                            + hits[k] + " hits");
                }
            }
        }

        @Override
        public long stateBytes() {
            long bytes = HeapBytes.object(6, 3, 2, 0);
            if (candidates != null) {
                bytes += HeapBytes.array(CANDIDATES, 4) * 3;
            }
            if (followers != null) {
                bytes += HeapBytes.array(FOLLOWERS, 4) * 2;
            }
            return bytes;
        }
    }
}
