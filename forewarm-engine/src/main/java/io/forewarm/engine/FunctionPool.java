package io.forewarm.engine;

import io.forewarm.core.FunctionSpec;
import io.forewarm.core.ResourceVector;
import io.forewarm.core.Window;
import io.forewarm.predict.Policy;
import io.forewarm.predict.UnitPolicy;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sandboxes of one function and what the engine knows about it: its policy state and the window after
 * its last arrival, its recent runs, its right-sizing, and the limits its next sandbox gets.
 */
final class FunctionPool {

    private final FunctionSpec spec;
    private final String policySpec;
    private final Policy policy;
    private final UnitPolicy unit;
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

    FunctionPool(FunctionSpec spec, String policySpec, Policy policy, UnitPolicy unit, long coldStartGuessMillis,
                 Sizing sizing) {
        this.spec = spec;
        this.sizing = sizing;
        this.policySpec = policySpec;
        this.policy = policy;
        this.unit = unit;
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
        if (best != null && best.transition(Slot.State.WARM, Slot.State.BUSY)) {
            return best;
        }
        // Lost a race for the best one: take any.
        for (Slot s : slots) {
            if (s.transition(Slot.State.WARM, Slot.State.BUSY)) {
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

    /** Records an arrival with the policy and keeps the window it returns; times never go backwards. */
    synchronized Window arrive(long nowMillis) {
        long t = Math.max(nowMillis, lastArrivalMillis);
        if (window != null && t - lastArrivalMillis > window.loadUntilMillis()) {
            burstPeak = inFlight.get(); // the previous window ended: a new burst starts
        }
        lastArrivalMillis = t;
        synchronized (policy) { // a policy's shared state (a GreedyDual clock) is touched by every unit
            window = unit.onArrival(t);
        }
        return window;
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

    /** The most invocations that ran at once since the current burst of arrivals began. */
    int recentPeak() {
        return burstPeak;
    }

    /** Requests of this function waiting in the queue (guarded by the orchestrator's lock). */
    int queued() {
        return queued;
    }

    void queued(int delta) {
        queued += delta;
    }
}
