package io.forewarm.engine;

import io.forewarm.core.ExitKind;
import io.forewarm.core.ResourceVector;
import io.forewarm.sandbox.Sandbox;
import io.forewarm.sandbox.Usage;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One pool entry: a sandbox and its state. States change only by compare-and-set, as HikariCP's pool entries
 * do, so that taking a warm sandbox costs one CAS and two threads can never both take it, nor evict a busy
 * one:
 * <pre>
 * STARTING -&gt; BUSY (the cold start that made it runs on it) | WARM (pre-warmed) | REMOVED (init failed)
 * WARM -&gt; BUSY (taken) | COOLING (being released or evicted)
 * BUSY -&gt; WARM (done) | REMOVED (crashed, timed out, broken)
 * COOLING -&gt; REMOVED (closed)
 * </pre>
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
    /** Runs started on it; written only by the thread that holds it BUSY. */
    private volatile long runsStarted;
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

    /** Counts a run starting on it (by the thread holding it BUSY) and returns the run's number, from 1. */
    long runStarted() {
        long n = runsStarted + 1;
        runsStarted = n;
        return n;
    }

    /** Runs started on it so far. */
    long runsStarted() {
        return runsStarted;
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
