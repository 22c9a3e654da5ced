package io.forewarm.sim.paper;

import io.forewarm.core.Window;
import io.forewarm.predict.Policy;
import io.forewarm.predict.UnitPolicy;
import io.forewarm.sim.UnitTimeline;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The simulation model of Shahrad et al., "Serverless in the Wild" (USENIX ATC 2020), Section 4: time in
 * minutes, an event is a minute with at least one invocation, one instance per unit. After each event the
 * policy returns a window (prewarm P, keep-alive K); the next event, at idle time IT minutes, is warm iff
 * {@code (P == 0 && IT <= K) || (P <= IT <= P + K)}. A unit's first event is cold.
 *
 * <p>Wasted memory counts the minutes in which the instance is loaded and no event happens: after an event
 * at minute t, the instance is loaded in the minutes {@code t + P .. t + P + K} (for P = 0 that range starts
 * with the event's own minute, which is busy, not wasted) up to the next event, and never past the
 * horizon. So with P = 0 a warm next event wastes IT - 1 minutes and a cold one K; with P > 0 a warm next
 * event wastes IT - P minutes, a cold one after the window K + 1 and one before the window none.
 */
public final class PaperModel {

    private static final long MINUTE = 60_000L;

    private PaperModel() {
    }

    /** What one unit scored under one policy; only events and wasted minutes at or after scoreFrom count. */
    public record UnitScore(long events, long coldStarts, long wastedMinutes) {
    }

    /**
     * Replays {@code timeline} through {@code policy}, feeding it every event, and scores events and wasted
     * minutes at or after minute {@code scoreFrom} (trace numbering). Calls {@link UnitPolicy#verify()}.
     */
    public static UnitScore replay(UnitTimeline timeline, UnitPolicy policy, int scoreFrom) {
        Scorer scorer = new Scorer(policy, scoreFrom);
        for (int m = timeline.nextActive(timeline.firstMinute()); m >= 0; m = timeline.nextActive(m + 1)) {
            scorer.event(m);
        }
        return scorer.finish(timeline.firstMinute() + timeline.minutes());
    }

    /**
     * Replays all units together in one global time order, for a {@link Policy#crossUnit()} policy: in each
     * minute every active unit's event is scored and fed to its policy first, then every unit the policy
     * names as {@linkplain Policy#affectedBy affected} by those arrivals may {@linkplain
     * UnitPolicy#reconsider reconsider} its window from that minute on. Each unit is scored by the same
     * rules as {@link #replay}; with a policy that never changes a window the results are identical.
     *
     * @return one score per unit, in the order of {@code timelines}
     */
    public static UnitScore[] replayTogether(List<UnitTimeline> timelines, List<UnitPolicy> policies, Policy policy,
                                             int scoreFrom) {
        int n = timelines.size();
        Scorer[] scorers = new Scorer[n];
        Map<UnitPolicy, Scorer> byPolicy = new IdentityHashMap<>();
        // A heap of (next active minute, unit) packed in a long: minute in the high bits, unit in the low 32.
        PriorityQueue<Long> next = new PriorityQueue<>();
        int first = Integer.MAX_VALUE;
        int end = Integer.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            scorers[i] = new Scorer(policies.get(i), scoreFrom);
            byPolicy.put(policies.get(i), scorers[i]);
            UnitTimeline t = timelines.get(i);
            end = Math.max(end, t.firstMinute() + t.minutes());
            int m = t.nextActive(t.firstMinute());
            if (m >= 0) {
                next.add(pack(m, i));
            }
        }
        List<Integer> arrived = new ArrayList<>();
        while (!next.isEmpty()) {
            int minute = (int) (next.peek() >> 32);
            arrived.clear();
            while (!next.isEmpty() && (int) (next.peek() >> 32) == minute) {
                int i = (int) (long) next.poll();
                scorers[i].event(minute);
                arrived.add(i);
                int m = timelines.get(i).nextActive(minute + 1);
                if (m >= 0) {
                    next.add(pack(m, i));
                }
            }
            for (int i : arrived) {
                for (UnitPolicy affected : policy.affectedBy(policies.get(i), minute * MINUTE)) {
                    Scorer s = byPolicy.get(affected);
                    if (s == null) {
                        throw new IllegalStateException(policy.spec() + " named a unit that is not in this run");
                    }
                    s.reconsider(minute);
                }
            }
        }
        UnitScore[] scores = new UnitScore[n];
        for (int i = 0; i < n; i++) {
            UnitTimeline t = timelines.get(i);
            scores[i] = scorers[i].finish(t.firstMinute() + t.minutes());
        }
        return scores;
    }

    private static long pack(int minute, int unit) {
        return ((long) minute << 32) | unit;
    }

    /**
     * One unit's scoring state: the minutes in which its instance is loaded, as an absolute range set by the
     * last window, and the minutes up to which idle loaded time has been counted.
     */
    private static final class Scorer {
        private final UnitPolicy policy;
        private final int scoreFrom;
        private long events;
        private long cold;
        private long wasted;
        private boolean seen;
        private long loadedFrom; // absolute minutes, inclusive; empty when loadedFrom > loadedUntil
        private long loadedUntil;
        private long countedTo; // idle minutes before this one are counted

        Scorer(UnitPolicy policy, int scoreFrom) {
            this.policy = policy;
            this.scoreFrom = scoreFrom;
        }

        /** Scores an event at {@code minute} and asks the policy for the next window. */
        void event(int minute) {
            boolean warm = seen && loadedFrom <= minute && minute <= loadedUntil;
            if (seen) {
                countIdle(minute);
            }
            if (minute >= scoreFrom) {
                events++;
                if (!warm) {
                    cold++;
                }
            }
            seen = true;
            load(minute, policy.onArrival(minute * MINUTE));
            countedTo = minute + 1L; // the event's own minute is busy
        }

        /** Lets the policy replace the window at {@code minute}, between this unit's events. */
        void reconsider(int minute) {
            if (!seen) {
                return;
            }
            Window w = policy.reconsider(minute * MINUTE);
            if (w != null) {
                countIdle(minute);
                load(minute, w);
            }
        }

        /** Counts the loaded minutes in {@code [countedTo, upTo)} at or after scoreFrom as wasted. */
        private void countIdle(long upTo) {
            long from = Math.max(Math.max(countedTo, loadedFrom), scoreFrom);
            long until = Math.min(loadedUntil, upTo - 1);
            wasted += Math.max(0, until - from + 1);
            countedTo = Math.max(countedTo, upTo);
        }

        /** Loads minutes {@code at + P .. at + P + K}: a pre-warm starts at a whole minute, a release ends one. */
        private void load(long at, Window w) {
            loadedFrom = at + ceilMinutes(w.loadFromMillis());
            loadedUntil = at + Math.min(w.loadUntilMillis() / MINUTE, Integer.MAX_VALUE);
        }

        UnitScore finish(int end) {
            if (seen) {
                countIdle(end);
            }
            policy.verify();
            return new UnitScore(events, cold, wasted);
        }
    }

    private static long ceilMinutes(long millis) {
        return (millis + MINUTE - 1) / MINUTE;
    }
}
