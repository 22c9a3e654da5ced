package io.forewarm.engine;

import io.forewarm.core.FunctionSpec;
import io.forewarm.core.KeepAliveBounds;
import io.forewarm.core.ResourceVector;
import io.forewarm.core.Window;
import io.forewarm.predict.Policy;
import io.forewarm.predict.UnitPolicy;
import io.forewarm.predict.plan.Planner;
import io.forewarm.predict.UnitProfile;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sandboxes of one function and what the engine knows about it: its policy state and the window after
 * its last arrival (or set later for a scheduled signal), its recent runs, its right-sizing, and the limits its
 * next sandbox gets.
 */
final class FunctionPool {

    /** How many of the latest arrival times are kept, to replay exactly after a refit from per-minute history. */
    static final int RECENT = 64;

    private final FunctionSpec spec;
    private final String policySpec;
    private final Policy policy;
    private final KeepAliveBounds bounds;
    private final UnitProfile profile;
    private UnitPolicy unit; // replaced by a refit; guarded by this
    private long windowBaseMillis = Long.MIN_VALUE;
    private final long[] recent = new long[RECENT];
    private int arrivals;
    private int seenDrifts;
    private volatile Training training = Training.NEVER;
    private long missBits; // one bit per recent event, newest lowest: 1 if it fell outside the window
    private int events;
    private final List<Slot> slots = new CopyOnWriteArrayList<>();
    private final Deque<LimitRule.Run> runs = new ArrayDeque<>();
    private final Sizing sizing;
    private long lastArrivalMillis = Long.MIN_VALUE;
    private Window window;
    private volatile ResourceVector nextLimits;
    private volatile long coldStartMillis;
    private volatile boolean draining;
    private volatile int queued;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile int burstPeak;

    FunctionPool(FunctionSpec spec, String policySpec, KeepAliveBounds bounds, Policy policy, UnitProfile profile,
                 long coldStartGuessMillis, Sizing sizing) {
        this.spec = spec;
        this.sizing = sizing;
        this.policySpec = policySpec;
        this.bounds = bounds;
        this.policy = policy;
        this.profile = profile;
        synchronized (policy) {
            this.unit = policy.newUnit(profile);
        }
        this.nextLimits = spec.limits();
        this.coldStartMillis = coldStartGuessMillis;
    }

    FunctionSpec spec() {
        return spec;
    }

    String name() {
        return spec.name();
    }

    String policySpec() {
        return policySpec;
    }

    KeepAliveBounds bounds() {
        return bounds;
    }

    /** Entries in every state but removed (removed ones leave the list). */
    List<Slot> slots() {
        return slots;
    }

    void add(Slot s) {
        slots.add(s);
    }

    void remove(Slot s) {
        slots.remove(s);
    }

    /** Takes a warm sandbox by CAS, the most recently used first so that the others can cool down. */
    Slot takeWarm() {
        Slot best = null;
        for (Slot s : slots) {
            if (s.state() == Slot.State.WARM && (best == null || s.idleSinceMillis() > best.idleSinceMillis())) {
                best = s;
            }
        }
        if (best != null && best.hold(Slot.State.WARM)) {
            return best;
        }
        // Lost a race for the best one: take any.
        for (Slot s : slots) {
            if (s.hold(Slot.State.WARM)) {
                return s;
            }
        }
        return null;
    }

    /**
     * Joins a busy sandbox whose pipeline has room (its spec's {@code pipelineDepth}), the one with the fewest
     * invocations ahead first; null if the function does not pipeline or every busy sandbox is full.
     */
    Slot ride() {
        int depth = spec.pipelineDepth();
        if (depth == 1) {
            return null;
        }
        Slot best = null;
        for (Slot s : slots) {
            int h = s.holders();
            if (s.state() == Slot.State.BUSY && h >= 1 && h < depth && (best == null || h < best.holders())) {
                best = s;
            }
        }
        if (best != null && best.ride(depth)) {
            return best;
        }
        for (Slot s : slots) { // lost a race for the best one: join any
            if (s.ride(depth)) {
                return s;
            }
        }
        return null;
    }

    /** How many entries are in {@code state}. */
    int count(Slot.State state) {
        int n = 0;
        for (Slot s : slots) {
            if (s.state() == state) {
                n++;
            }
        }
        return n;
    }

    /**
     * Records an arrival with the policy and keeps the window it returns, within the operator's bounds; times
     * never go backwards.
     */
    synchronized Window arrive(long nowMillis) {
        long t = Math.max(nowMillis, lastArrivalMillis);
        if (window != null && t - windowBaseMillis > window.loadUntilMillis()) {
            burstPeak = inFlight.get(); // the previous window ended: a new burst starts
        }
        if (window != null && t - lastArrivalMillis >= Planner.SAME_EVENT_MILLIS) {
            // a new event, not another call of the last one: did the window the policy set foresee it?
            missBits = missBits << 1 | (window.isWarmAfter(t - windowBaseMillis) ? 0 : 1);
            events = Math.min(events + 1, Long.SIZE);
        }
        lastArrivalMillis = t;
        int drifts;
        synchronized (policy) { // a policy's shared state (a GreedyDual clock) is touched by every unit
            window = bounds.apply(unit.onArrival(t));
            drifts = unit.drifts();
        }
        windowBaseMillis = t;
        recent[arrivals++ % RECENT] = t;
        if (drifts != seenDrifts) {
            training = training.driftsAt(t, drifts - seenDrifts);
            seenDrifts = drifts;
        }
        return window;
    }

    /**
     * The policy's recent error: of the last (up to 64) events, a minute or more after the previous call, how
     * many fell outside the window it had set.
     *
     * @param misses events outside the window
     * @param events events looked at
     * @param detail the policy's own account of its last window ({@link UnitPolicy#explain})
     */
    record Accuracy(int misses, int events, String detail) {
    }

    synchronized Accuracy accuracy() {
        String detail;
        synchronized (policy) {
            detail = unit.explain();
        }
        long mask = events == Long.SIZE ? -1L : (1L << events) - 1;
        return new Accuracy(Long.bitCount(missBits & mask), events, detail);
    }

    /** Between arrivals: lets the policy set a new window for a scheduled signal; true if it did. */
    synchronized boolean onSchedule(long nowMillis) {
        Window w;
        synchronized (policy) {
            w = unit.onSchedule(nowMillis);
        }
        if (w == null) {
            return false;
        }
        window = bounds.apply(w);
        windowBaseMillis = nowMillis;
        return true;
    }

    /** The earliest of the recent arrival times kept exactly, or {@link Long#MAX_VALUE} if none. */
    synchronized long firstRecentMillis() {
        return arrivals == 0 ? Long.MAX_VALUE : recent[arrivals <= RECENT ? 0 : arrivals % RECENT];
    }

    /**
     * Replaces the policy state by a fresh one fed {@code older} arrival times (from history, before {@link
     * #firstRecentMillis}) and then the recent arrivals kept here, and records a periodic refit at {@code now}.
     * Holds this pool's lock throughout, so no arrival slips in between the replay and the swap.
     */
    synchronized void refit(long[] older, long nowMillis) {
        long firstRecent = firstRecentMillis();
        UnitPolicy fresh;
        Window w = null;
        long last = Long.MIN_VALUE;
        synchronized (policy) {
            fresh = policy.newUnit(profile);
            for (long t : older) {
                if (t < firstRecent && t >= last) {
                    w = fresh.onArrival(t);
                    last = t;
                }
            }
            int kept = Math.min(arrivals, RECENT);
            for (int i = arrivals - kept; i < arrivals; i++) {
                w = fresh.onArrival(recent[i % RECENT]);
                last = recent[i % RECENT];
            }
            seenDrifts = fresh.drifts();
        }
        unit = fresh;
        if (w != null) {
            window = bounds.apply(w);
            windowBaseMillis = last;
            lastArrivalMillis = Math.max(lastArrivalMillis, last);
        }
        training = training.periodicAt(nowMillis);
    }

    Policy policy() {
        return policy;
    }

    Training training() {
        return training;
    }

    /** When the current window was set (the time it is measured from), or {@link Long#MIN_VALUE}. */
    synchronized long windowBaseMillis() {
        return windowBaseMillis;
    }

    /** The policy's value of keeping this function's idle sandboxes at {@code nowMillis}. */
    double retentionValue(long nowMillis) {
        synchronized (policy) {
            return unit.retentionValue(nowMillis);
        }
    }

    /** Tells the policy an idle sandbox of this function was evicted before its window ended. */
    void evicted(long nowMillis) {
        synchronized (policy) {
            policy.onEvicted(unit, nowMillis);
        }
    }

    synchronized long lastArrivalMillis() {
        return lastArrivalMillis;
    }

    synchronized Window window() {
        return window;
    }

    /** Adds a finished run and returns the recent ones, oldest first. */
    synchronized List<LimitRule.Run> addRun(LimitRule.Run run, int keep) {
        runs.addLast(run);
        while (runs.size() > keep) {
            runs.removeFirst();
        }
        return List.copyOf(runs);
    }

    /** Sets the limits of the next sandbox; forgets the runs made under the old ones. */
    synchronized void resize(ResourceVector limits) {
        if (!limits.equals(nextLimits)) {
            nextLimits = limits;
            runs.clear();
        }
    }

    ResourceVector nextLimits() {
        return nextLimits;
    }

    /** Its right-sizing. */
    Sizing sizing() {
        return sizing;
    }

    /** Whether the next sandbox's limits are above the function's own in some dimension (sizing may also shrink). */
    boolean raised() {
        ResourceVector n = nextLimits;
        ResourceVector s = spec.limits();
        return n.cpuCores() > s.cpuCores() || n.memoryBytes() > s.memoryBytes() || n.diskBytes() > s.diskBytes()
                || n.ioBytesPerSecond() > s.ioBytesPerSecond() || n.netBytesPerSecond() > s.netBytesPerSecond();
    }

    long coldStartMillis() {
        return coldStartMillis;
    }

    void coldStartMillis(long ms) {
        coldStartMillis = ms;
    }

    boolean draining() {
        return draining;
    }

    void drain() {
        draining = true;
    }

    /** An invocation started running. */
    void enter() {
        int n = inFlight.incrementAndGet();
        if (n > burstPeak) {
            burstPeak = n; // racy max is fine: it only sizes pre-warms
        }
    }

    /** An invocation finished. */
    void exit() {
        inFlight.decrementAndGet();
    }

    /** Invocations running now (or waiting in a worker's pipeline). */
    int running() {
        return inFlight.get();
    }

    /**
     * The most sandboxes the invocations running at once since the current burst of arrivals began needed (each
     * holds up to {@code pipelineDepth} of them).
     */
    int recentPeak() {
        return Math.ceilDiv(burstPeak, spec.pipelineDepth());
    }

    /** Requests of this function waiting in the queue (guarded by the orchestrator's lock). */
    int queued() {
        return queued;
    }

    void queued(int delta) {
        queued += delta;
    }
}
