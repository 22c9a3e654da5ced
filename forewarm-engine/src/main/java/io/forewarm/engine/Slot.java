package io.forewarm.engine;

import io.forewarm.core.ExitKind;
import io.forewarm.core.ResourceVector;
import io.forewarm.sandbox.Sandbox;
import io.forewarm.sandbox.Usage;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One pool entry: a sandbox and its state. States change only by compare-and-set, as HikariCP's pool entries
 * do, so that taking a warm sandbox costs one CAS and two threads can never both take it, nor evict a busy
 * one:
 * <pre>
 * STARTING -&gt; BUSY (the cold start that made it runs on it) | WARM (pre-warmed) | REMOVED (init failed)
 * WARM -&gt; BUSY (taken) | COOLING (being released or evicted)
 * BUSY -&gt; WARM (its last invocation done) | COOLING (crashed, timed out, broken, drained)
 * COOLING -&gt; REMOVED (closed)
 * </pre>
 * A BUSY slot of a function with a {@code pipelineDepth} above 1 may be held by up to that many invocations at
 * once ({@link #ride}); it goes back to WARM only when the last of them lets go.
 */
final class Slot {

    /** Where a pool entry is in its life. */
    enum State {
        /** Its sandbox is being created. */
        STARTING,
        /** Ready and idle. */
        WARM,
        /** Running an invocation. */
        BUSY,
        /** Being released; no longer usable. */
        COOLING,
        /** Closed and gone from the pool. */
        REMOVED
    }

    private final long id;
    private final FunctionPool pool;
    private final ResourceVector limits;
    private final ResourceVector budget;
    private final boolean limitRaised;
    private final AtomicReference<State> state = new AtomicReference<>(State.STARTING);
    private volatile Sandbox sandbox;
    private volatile long idleSinceMillis;
    private volatile Usage lastUsage;
    /** Runs started on it. */
    private final AtomicLong runsStarted = new AtomicLong();
    /** Runs that ended on it; written by the usage monitor's thread only. */
    private long runsEnded;
    /** Invocations holding it while BUSY: 1, or more while it is ridden; 0 otherwise. */
    private final AtomicInteger holders = new AtomicInteger();
    private volatile ExitKind failure = ExitKind.INIT_FAILURE;
    private final AtomicBoolean budgetFreed = new AtomicBoolean();

    Slot(long id, FunctionPool pool, ResourceVector limits, ResourceVector budget, boolean limitRaised) {
        this.id = id;
        this.pool = pool;
        this.limits = limits;
        this.budget = budget;
        this.limitRaised = limitRaised;
    }

    long id() {
        return id;
    }

    /** The function it belongs to. */
    FunctionPool pool() {
        return pool;
    }

    /** The limits its sandbox was created with. */
    ResourceVector limits() {
        return limits;
    }

    /** What it takes from the host budget. */
    ResourceVector budget() {
        return budget;
    }

    /** Whether its limits were raised above the function's own after earlier runs hit them. */
    boolean limitRaised() {
        return limitRaised;
    }

    State state() {
        return state.get();
    }

    /** Moves from {@code from} to {@code to} if and only if it is in {@code from}. */
    boolean transition(State from, State to) {
        return state.compareAndSet(from, to);
    }

    /** The sandbox, once started. */
    Sandbox sandbox() {
        return sandbox;
    }

    void started(Sandbox s, Usage usage) {
        sandbox = s;
        lastUsage = usage;
    }

    long idleSinceMillis() {
        return idleSinceMillis;
    }

    void idleSince(long millis) {
        idleSinceMillis = millis;
    }

    /** The usage sample taken when its last run ended (or when it started). */
    Usage lastUsage() {
        return lastUsage;
    }

    void lastUsage(Usage u) {
        lastUsage = u;
    }

    /** Counts a run starting on it (by a thread holding it BUSY) and returns the run's number, from 1. */
    long runStarted() {
        return runsStarted.incrementAndGet();
    }

    /** Runs started on it so far. */
    long runsStarted() {
        return runsStarted.get();
    }

    /** Counts a run on it ending (by the usage monitor's thread only) and returns how many have ended. */
    long runEnded() {
        return ++runsEnded;
    }

    /** Takes it from WARM or STARTING ({@code from}) to BUSY, held by the caller alone; false if it was not there. */
    boolean hold(State from) {
        if (!transition(from, State.BUSY)) {
            return false;
        }
        holders.set(1);
        return true;
    }

    /**
     * Joins the invocations holding it while it is BUSY, if fewer than {@code depth} do: the caller's input will wait
     * in its worker's pipe behind theirs. False if it is not BUSY or full.
     */
    boolean ride(int depth) {
        int n;
        do {
            n = holders.get();
            if (n < 1 || n >= depth) {
                return false;
            }
        } while (!holders.compareAndSet(n, n + 1));
        if (state() != State.BUSY) { // it broke meanwhile: whoever broke it retires it
            holders.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Invocations holding it now. */
    int holders() {
        return holders.get();
    }

    /** One invocation lets go of it; true if it was the last one holding it. */
    boolean letGo() {
        return holders.decrementAndGet() == 0;
    }

    /** How its start failed, if it did. */
    ExitKind failure() {
        return failure;
    }

    void failure(ExitKind kind) {
        failure = kind;
    }

    /** True exactly once: the first caller gives its budget back, so no path can free it twice. */
    boolean freeBudgetOnce() {
        return budgetFreed.compareAndSet(false, true);
    }

    @Override
    public String toString() {
        return "slot " + id + " " + state.get() + (sandbox == null ? "" : " " + sandbox.id());
    }
}
