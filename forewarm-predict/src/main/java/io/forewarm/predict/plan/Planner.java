package io.forewarm.predict.plan;

import io.forewarm.core.Window;
import io.forewarm.predict.plan.Plan.Cause;
import io.forewarm.predict.plan.Plan.Keep;
import io.forewarm.predict.plan.Plan.Prewarm;
import io.forewarm.predict.plan.Plan.Release;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The one decision function of the warm pool: given a {@link PoolSnapshot} and {@code now}, which sandboxes
 * to pre-warm, keep and release. The live engine's housekeeper and the simulator's fleet model both call it,
 * so a simulation predicts what the engine will do. Pure: no clock, no threads, no I/O.
 *
 * <p>Per function, the window its policy returned at the last arrival (Shahrad et al., "Serverless in the
 * Wild", USENIX ATC 2020) decides:
 * <ul>
 *   <li>after the window ({@code now > last + loadUntil}): release every idle sandbox ({@link
 *       Cause#EXPIRED});</li>
 *   <li>before a pre-warm window opens ({@code now < last + loadFrom - lead}, lead = cold-start time plus
 *       the caller's tick lookahead): release idle sandboxes ({@link Cause#OUTSIDE_WINDOW}), they would
 *       idle through the gap; but a sandbox that went idle less than {@link #SAME_EVENT_MILLIS} ago (the
 *       planner's {@code holdMillis}) is only kept, {@link Keep#held() held}: the policies forecast at the
 *       resolution of a minute, so more calls in the minute of a call are part of the same event, and
 *       releasing between them would turn each into a cold start (a policy with foresight knows the next
 *       arrival to the millisecond and needs no hold);</li>
 *   <li>otherwise it is inside the window: keep the idle sandboxes, and for a pre-warm window (loadFrom &gt;
 *       0, a reload was planned) start enough sandboxes that busy + starting + idle reach the recent peak
 *       concurrency (at least one). A keep-alive-only window (loadFrom = 0) keeps what ran and never
 *       re-creates a sandbox: that is what "keep alive" means.</li>
 * </ul>
 * Busy sandboxes are never released: only idle ones are in the snapshot's lists.
 *
 * <p>When a pre-warm needs memory the host lacks, idle sandboxes are evicted lowest value first ({@link
 * PoolSnapshot#idleValue}, by default the function's retention value; tie-break least recently idle), and
 * only those whose value is strictly lower than the pre-warming function's retention value; pre-warms are served highest value first, and one that cannot be made room for is dropped.
 * {@link #chooseVictims} is the same choice for a cold start under pressure.
 *
 * <p>The shape follows OpenWhisk's ContainerPool (pure scheduling and eviction functions in a companion
 * object, idle containers removed oldest first under memory pressure) and Knative's autoscaler ({@code
 * decide(snapshot, now)}, tested as timelines).
 *
 * <p>A tick over functions that need no action allocates nothing per function.
 */
public final class Planner {

    /**
     * How long after a call an idle sandbox is kept even when the window says unload and pre-warm later:
     * a minute, the resolution at which the policies forecast (Shahrad et al.'s model counts a minute with
     * calls as one event).
     */
    public static final long SAME_EVENT_MILLIS = 60_000;

    private static final int EXPIRED = 0;
    private static final int OUTSIDE = 1;
    private static final int INSIDE = 2;

    private final boolean keeps;
    private final long holdMillis;

    /** A planner that lists a {@link Keep} for every function whose idle sandboxes it keeps. */
    public Planner() {
        this(true);
    }

    /** A planner that lists keeps only if {@code keeps} (the simulator, which ignores them, passes false). */
    public Planner(boolean keeps) {
        this(keeps, SAME_EVENT_MILLIS);
    }

    /**
     * A planner that lists keeps only if {@code keeps} and holds idle sandboxes {@code holdMillis} after an
     * arrival before a pre-warm window (0 for policies with foresight).
     */
    public Planner(boolean keeps, long holdMillis) {
        if (holdMillis < 0) {
            throw new IllegalArgumentException("holdMillis must be >= 0, got " + holdMillis);
        }
        this.keeps = keeps;
        this.holdMillis = holdMillis;
    }

    /** Decides the actions for {@code snapshot} at {@code nowMillis}. */
    public Plan plan(PoolSnapshot snapshot, long nowMillis) {
        int n = snapshot.functions();
        List<Release> releases = new ArrayList<>();
        List<Keep> kept = keeps ? new ArrayList<>() : List.of();
        int[] wanted = null; // pairs (function, count) of pre-warms, allocated only if there is one
        int wantedCount = 0;
        long freed = 0;
        for (int f = 0; f < n; f++) {
            int idle = snapshot.idle(f);
            int state = state(snapshot, f, nowMillis);
            if (state != INSIDE) {
                Window w = snapshot.window(f);
                long last = snapshot.lastArrivalMillis(f);
                Cause cause = state == EXPIRED ? Cause.EXPIRED : Cause.OUTSIDE_WINDOW;
                long detail = w == null ? nowMillis
                        : state == EXPIRED ? plus(last, w.loadUntilMillis()) : plus(last, w.loadFromMillis());
                double value = snapshot.retentionValue(f);
                int held = 0;
                long heldUntil = 0;
                for (int i = 0; i < idle; i++) {
                    if (retained(state, snapshot, f, i, nowMillis)) {
                        held++;
                        heldUntil = Math.max(heldUntil, plus(snapshot.idleSinceMillis(f, i), holdMillis));
                        continue;
                    }
                    releases.add(new Release(f, snapshot.functionId(f), snapshot.idleSandboxId(f, i), cause,
                            detail, value));
                    freed += snapshot.idleMemoryBytes(f, i);
                }
                if (keeps && held > 0) {
                    kept.add(new Keep(f, snapshot.functionId(f), held, heldUntil, true));
                }
                continue;
            }
            Window w = snapshot.window(f);
            if (w.loadFromMillis() > 0) {
                int have = snapshot.busy(f) + snapshot.starting(f) + idle;
                int want = Math.max(1, snapshot.recentPeak(f));
                if (have < want) {
                    if (wanted == null || wantedCount * 2 == wanted.length) {
                        wanted = wanted == null ? new int[16] : Arrays.copyOf(wanted, wanted.length * 2);
                    }
                    wanted[wantedCount * 2] = f;
                    wanted[wantedCount * 2 + 1] = want - have;
                    wantedCount++;
                }
            }
            if (keeps && idle > 0) {
                kept.add(new Keep(f, snapshot.functionId(f), idle,
                        plus(snapshot.lastArrivalMillis(f), w.loadUntilMillis()), false));
            }
        }
        List<Prewarm> prewarms = wantedCount == 0 ? List.of()
                : prewarms(snapshot, nowMillis, wanted, wantedCount, freed, releases);
        List<Plan.Action> actions = new ArrayList<>(releases.size() + prewarms.size() + kept.size());
        actions.addAll(releases);
        actions.addAll(prewarms);
        actions.addAll(kept);
        return new Plan(nowMillis, actions);
    }

    /**
     * The idle sandboxes to evict so that a cold start needing {@code neededBytes} more memory fits: lowest
     * retention value first, least recently idle first among equals, never a busy one. Empty if evicting
     * every idle sandbox would still not free enough (then evicting helps nobody).
     */
    public List<Release> chooseVictims(PoolSnapshot snapshot, long neededBytes, long nowMillis) {
        if (neededBytes <= 0) {
            return List.of();
        }
        Victims victims = Victims.all(snapshot, nowMillis, (f, i) -> true);
        List<Release> chosen = new ArrayList<>();
        long freed = 0;
        for (int v = 0; v < victims.size() && freed < neededBytes; v++) {
            chosen.add(victims.release(snapshot, v));
            freed += victims.memory(snapshot, v);
        }
        return freed >= neededBytes ? chosen : List.of();
    }

    /** EXPIRED, OUTSIDE or INSIDE for function {@code f} at {@code now}. */
    private int state(PoolSnapshot s, int f, long now) {
        Window w = s.window(f);
        if (w == null) {
            return EXPIRED;
        }
        long last = s.lastArrivalMillis(f);
        if (now > plus(last, w.loadUntilMillis())) {
            return EXPIRED;
        }
        long lead = s.coldStartMillis(f) + s.lookaheadMillis();
        if (w.loadFromMillis() > 0 && now < plus(last, w.loadFromMillis()) - lead) {
            return OUTSIDE;
        }
        return INSIDE;
    }

    /** Grants pre-warms highest value first, evicting cheaper idle sandboxes when memory is short. */
    private List<Prewarm> prewarms(PoolSnapshot s, long now, int[] wanted, int count, long freed,
                                          List<Release> releases) {
        Integer[] order = new Integer[count];
        double[] value = new double[count];
        for (int k = 0; k < count; k++) {
            order[k] = k;
            value[k] = s.retentionValue(wanted[k * 2]);
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer k) -> -value[k]));
        long capacity = s.capacityBytes();
        long free = capacity == 0 ? Long.MAX_VALUE : capacity - s.allocatedBytes() + freed;
        Victims victims = null;
        List<Prewarm> out = new ArrayList<>();
        for (int k : order) {
            int f = wanted[k * 2];
            long memory = s.sandboxSize(f).memoryBytes();
            int granted = 0;
            while (granted < wanted[k * 2 + 1]) {
                if (free < memory) {
                    if (victims == null) {
                        // only what this plan keeps: the rest is released anyway
                        victims = Victims.all(s, now, (g, i) -> retained(state(s, g, now), s, g, i, now));
                    }
                    free += victims.evictFor(s, f, value[k], memory - free, releases);
                    if (free < memory) {
                        break;
                    }
                }
                free -= memory;
                granted++;
            }
            if (granted > 0) {
                Window w = s.window(f);
                long last = s.lastArrivalMillis(f);
                out.add(new Prewarm(f, s.functionId(f), granted, s.sandboxSize(f), plus(last, w.loadFromMillis()),
                        plus(last, w.loadUntilMillis()), s.coldStartMillis(f) + s.lookaheadMillis()));
            }
        }
        return out;
    }

    /**
     * Whether this plan keeps idle sandbox {@code i} of {@code f}, whose function is in {@code state}: inside
     * the window, or outside it but held, as it went idle less than {@code holdMillis} ago and more calls of
     * the same event may come.
     */
    private boolean retained(int state, PoolSnapshot s, int f, int i, long now) {
        return state == INSIDE || state == OUTSIDE && now - s.idleSinceMillis(f, i) < holdMillis;
    }

    /** Selects idle sandbox {@code i} of function {@code f}. */
    @FunctionalInterface
    interface IdlePredicate {
        boolean test(int f, int i);
    }

    /** {@code a + b}, saturating at the long range instead of wrapping. */
    static long plus(long a, long b) {
        long r = a + b;
        if (((a ^ r) & (b ^ r)) < 0) {
            return a > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        return r;
    }

    /**
     * Idle sandboxes in eviction order (value, then idle since), built only under memory pressure. A binary
     * heap over primitive arrays yields them lazily, so taking k victims out of V costs O(V + k log V).
     */
    private static final class Victims {
        private final long[] entries; // function << 32 | idle index
        private final double[] values; // retention value per entry
        private final long[] since;    // idle since per entry
        private final int[] heap;
        private int heapSize;
        private final int[] order;     // entries in eviction order, as far as popped
        private int popped;
        private final boolean[] taken; // by position in order
        private final long now;
        private int cursor;

        private Victims(long[] entries, double[] values, long[] since, long now) {
            this.entries = entries;
            this.values = values;
            this.since = since;
            this.now = now;
            int n = entries.length;
            heap = new int[n];
            for (int k = 0; k < n; k++) {
                heap[k] = k;
            }
            heapSize = n;
            for (int k = n / 2 - 1; k >= 0; k--) {
                siftDown(k);
            }
            order = new int[n];
            taken = new boolean[n];
        }

        /** The idle sandboxes (function, index) that {@code include} accepts. */
        static Victims all(PoolSnapshot s, long now, IdlePredicate include) {
            int total = 0;
            for (int f = 0; f < s.functions(); f++) {
                for (int i = 0; i < s.idle(f); i++) {
                    if (include.test(f, i)) {
                        total++;
                    }
                }
            }
            long[] entries = new long[total];
            double[] values = new double[total];
            long[] since = new long[total];
            int e = 0;
            for (int f = 0; f < s.functions(); f++) {
                for (int i = 0; i < s.idle(f); i++) {
                    if (!include.test(f, i)) {
                        continue;
                    }
                    values[e] = s.idleValue(f, i);
                    since[e] = s.idleSinceMillis(f, i);
                    entries[e++] = ((long) f << 32) | i;
                }
            }
            return new Victims(entries, values, since, now);
        }

        int size() {
            return entries.length;
        }

        /** The entry at position {@code v} of the eviction order. */
        private int at(int v) {
            while (popped <= v) {
                int top = heap[0];
                heap[0] = heap[--heapSize];
                siftDown(0);
                order[popped++] = top;
            }
            return order[v];
        }

        private boolean before(int a, int b) {
            int c = Double.compare(values[a], values[b]);
            return c != 0 ? c < 0 : since[a] < since[b];
        }

        private void siftDown(int k) {
            int x = heap[k];
            while (true) {
                int child = 2 * k + 1;
                if (child >= heapSize) {
                    break;
                }
                if (child + 1 < heapSize && before(heap[child + 1], heap[child])) {
                    child++;
                }
                if (!before(heap[child], x)) {
                    break;
                }
                heap[k] = heap[child];
                k = child;
            }
            heap[k] = x;
        }

        long memory(PoolSnapshot s, int v) {
            long entry = entries[at(v)];
            return s.idleMemoryBytes(fn(entry), idx(entry));
        }

        Release release(PoolSnapshot s, int v) {
            int e = at(v);
            int f = fn(entries[e]);
            return new Release(f, s.functionId(f), s.idleSandboxId(f, idx(entries[e])), Cause.EVICTED_FOR_CAPACITY,
                    now, values[e]);
        }

        /**
         * Evicts sandboxes of other functions worth less than {@code value} until {@code needed} bytes are
         * freed; evicts nothing (and returns 0) if that is impossible. Returns the bytes freed.
         */
        long evictFor(PoolSnapshot s, int f, double value, long needed, List<Release> out) {
            while (cursor < entries.length && taken[cursor]) {
                cursor++;
            }
            long freed = 0;
            int[] picked = new int[4];
            int count = 0;
            for (int v = cursor; v < entries.length && freed < needed && values[at(v)] < value; v++) {
                if (taken[v] || fn(entries[at(v)]) == f) {
                    continue;
                }
                if (count == picked.length) {
                    picked = Arrays.copyOf(picked, count * 2);
                }
                picked[count++] = v;
                freed += memory(s, v);
            }
            if (freed < needed) {
                return 0;
            }
            for (int k = 0; k < count; k++) {
                taken[picked[k]] = true;
                out.add(release(s, picked[k]));
            }
            return freed;
        }

        private static int fn(long entry) {
            return (int) (entry >>> 32);
        }

        private static int idx(long entry) {
            return (int) entry;
        }
    }
}
