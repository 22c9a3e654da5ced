package io.forewarm.engine;

import io.forewarm.core.ResourceVector;
import io.forewarm.sandbox.Sandbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Every function's sandboxes and the host budget they share. Entries change state by compare-and-set
 * ({@link Slot}); the budget, the queue and admission share one lock, which the warm path never takes: a
 * request that finds a warm sandbox pays one CAS. Requests that find none are admitted by the pure
 * {@link Admission} rules: a cold start now (evicting idle sandboxes chosen by {@link Victims} when the budget
 * is short), a place in a bounded queue until a deadline, or an immediate rejection.
 */
final class WarmPool {

    private static final Logger LOG = LoggerFactory.getLogger(WarmPool.class);

    /** What a request got. */
    sealed interface Ticket permits Admitted, Rejected {
    }

    /** A slot, BUSY (warm) or STARTING (cold: create its sandbox), after closing {@code victims}. */
    record Admitted(Slot slot, boolean cold, List<Slot> victims) implements Ticket {
    }

    /** No sandbox in time, or no room in the queue: {@code reason} says which. */
    record Rejected(Rejection reason, String why) implements Ticket {
    }

    private final EngineConfig config;
    private final InstantSource clock;
    private final Map<String, FunctionPool> pools = new ConcurrentHashMap<>();
    private long nextId;
    // Fair: waiters woken together re-check in the order they came, so the queue is served first come, first served.
    private final ReentrantLock lock = new ReentrantLock(true);
    private final Condition changed = lock.newCondition();
    private volatile ResourceVector allocated = ResourceVector.ZERO; // written under lock
    private int queued; // under lock
    /** Threads waiting on {@link #changed}; read without the lock by releasers to skip needless signals. */
    private volatile int watchers;

    WarmPool(EngineConfig config, InstantSource clock) {
        this.config = config;
        this.clock = clock;
    }

    /** Adds a function's pool; false if one of that name exists. */
    boolean add(FunctionPool pool) {
        return pools.putIfAbsent(pool.name(), pool) == null;
    }

    /** The named function's pool, or null. */
    FunctionPool get(String name) {
        return pools.get(name);
    }

    /** Every function's pool. */
    List<FunctionPool> all() {
        return List.copyOf(pools.values());
    }

    /** The host budget. */
    ResourceVector capacity() {
        return config.capacity();
    }

    /** What sandboxes take of the budget now. */
    ResourceVector allocated() {
        return allocated;
    }

    /** Requests waiting now. */
    int queued() {
        lock.lock();
        try {
            return queued;
        } finally {
            lock.unlock();
        }
    }

    /** What the next sandbox of {@code pool} takes of the budget. */
    ResourceVector budget(FunctionPool pool) {
        return config.accounted(pool.nextLimits());
    }

    /**
     * A warm slot of {@code pool} (now BUSY), else a place in a busy one's pipeline, else admission: waits at most
     * until the queue deadline. While requests of the function wait, a newcomer queues behind them instead of
     * taking the next warm slot.
     */
    Ticket acquire(FunctionPool pool, long startNanos) {
        Slot warm = pool.queued() == 0 ? warmOrRide(pool) : null;
        return warm != null ? new Admitted(warm, false, List.of()) : admit(pool, startNanos);
    }

    /** An idle slot taken, else a busy one joined (Knative's container concurrency, in order); else null. */
    private static Slot warmOrRide(FunctionPool pool) {
        Slot s = pool.takeWarm();
        return s != null ? s : pool.ride();
    }

    private Ticket admit(FunctionPool pool, long startNanos) {
        long deadline = startNanos + config.queueDeadline().toNanos();
        boolean inQueue = false;
        lock.lock();
        try {
            while (true) {
                if (pool.draining()) {
                    return new Rejected(Rejection.UNREGISTERED, "function '" + pool.name() + "' was unregistered while waiting");
                }
                Slot warm = warmOrRide(pool);
                if (warm != null) {
                    return new Admitted(warm, false, List.of());
                }
                long now = clock.millis();
                Map<Long, Slot> idle = new HashMap<>();
                List<Victims.Candidate> candidates = idleCandidates(now, idle);
                Admission.Decision d = Admission.decide(live(pool), pool.spec().maxConcurrency(), budget(pool),
                        config.capacity().minus(allocated), candidates, queued, config.queueCapacity(), inQueue,
                        now);
                switch (d) {
                    case Admission.Reject r -> {
                        return new Rejected(Rejection.QUEUE_FULL, r.why()); // the only rejection Admission makes
                    }
                    case Admission.Start s -> {
                        List<Slot> victims = claim(s.victims(), idle);
                        if (victims != null) {
                            return new Admitted(reserve(pool, victims), true, victims);
                        }
                        // a victim was taken meanwhile: decide again
                    }
                    case Admission.Wait w -> {
                        if (!inQueue) {
                            inQueue = true;
                            queued++;
                            watchers++;
                            pool.queued(1);
                            // Look once more now that it counts as waiting: a slot that opened since the look
                            // above was opened by someone who may have seen no one waiting, and signalled no one.
                            continue;
                        }
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            return new Rejected(Rejection.DEADLINE, "no capacity within " + config.queueDeadline().toMillis()
                                    + " ms: " + w.why());
                        }
                        changed.awaitNanos(left);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Rejected(Rejection.INTERRUPTED, "interrupted while waiting for capacity");
        } finally {
            if (inQueue) {
                queued--;
                watchers--;
                pool.queued(-1);
            }
            lock.unlock();
        }
    }

    /**
     * A STARTING slot of {@code pool} for a pre-warm, if the budget has room without evicting and the function
     * is below its cap; else null.
     */
    Slot reserveForPrewarm(FunctionPool pool) {
        lock.lock();
        try {
            if (pool.draining() || live(pool) >= pool.spec().maxConcurrency()
                    || !config.capacity().minus(allocated).fits(budget(pool))) {
                return null;
            }
            return reserve(pool, List.of());
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: gives the victims' budget to a new STARTING slot of {@code pool}. */
    private Slot reserve(FunctionPool pool, List<Slot> victims) {
        ResourceVector a = allocated;
        for (Slot v : victims) {
            if (v.freeBudgetOnce()) {
                a = a.minus(v.budget());
            }
        }
        ResourceVector limits = pool.nextLimits();
        Slot slot = new Slot(++nextId, pool, limits, config.accounted(limits), pool.raised());
        allocated = a.plus(slot.budget());
        pool.add(slot);
        return slot;
    }

    /** Claims every candidate by CAS WARM to COOLING, or none (null) if one was taken meanwhile. */
    private static List<Slot> claim(List<Victims.Candidate> candidates, Map<Long, Slot> idle) {
        List<Slot> claimed = new ArrayList<>();
        for (Victims.Candidate c : candidates) {
            Slot s = idle.get(c.slotId());
            if (!s.transition(Slot.State.WARM, Slot.State.COOLING)) {
                claimed.forEach(x -> x.transition(Slot.State.COOLING, Slot.State.WARM));
                return null;
            }
            claimed.add(s);
        }
        return claimed;
    }

    /** Idle sandboxes of every function, valued by their policy, for eviction; fills {@code byId}. */
    private List<Victims.Candidate> idleCandidates(long now, Map<Long, Slot> byId) {
        List<Victims.Candidate> out = new ArrayList<>();
        for (FunctionPool p : pools.values()) {
            double value = Double.NaN;
            for (Slot s : p.slots()) {
                if (s.state() == Slot.State.WARM) {
                    if (Double.isNaN(value)) {
                        value = p.retentionValue(now);
                    }
                    out.add(new Victims.Candidate(s.id(), p.name(), s.budget(), value, s.idleSinceMillis()));
                    byId.put(s.id(), s);
                }
            }
        }
        return out;
    }

    /** Sandboxes of {@code pool} that count against its cap: every one not yet closed (closing takes a moment). */
    private static int live(FunctionPool pool) {
        int n = 0;
        for (Slot s : pool.slots()) {
            if (s.state() != Slot.State.REMOVED) {
                n++;
            }
        }
        return n;
    }

    /** A STARTING or BUSY slot became warm: usable by the next request (unless it broke meanwhile). */
    void warmed(Slot slot, Slot.State from) {
        slot.idleSince(clock.millis());
        if (slot.transition(from, Slot.State.WARM)) {
            opened();
        }
    }

    /** A slot became usable, or a busy one's pipeline has room again: wakes the queue, if anyone waits. */
    void opened() {
        if (watchers > 0) { // costs nothing when nobody waits
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Releases an idle slot (CAS WARM to COOLING, then close); false if it was taken meanwhile. */
    boolean release(Slot slot) {
        if (!slot.transition(Slot.State.WARM, Slot.State.COOLING)) {
            return false;
        }
        retire(slot);
        return true;
    }

    /** An idle slot claimed for eviction: tells its policy, then closes it. */
    void evict(Slot victim) {
        victim.pool().evicted(clock.millis());
        LOG.debug("evicting idle {} of '{}' for capacity", victim, victim.pool().name());
        retire(victim);
    }

    /** Closes a claimed (COOLING), broken (BUSY) or failed (STARTING) slot, removes it and frees its budget. */
    void retire(Slot slot) {
        Sandbox sb = slot.sandbox();
        try {
            if (sb != null) {
                sb.close();
            }
        } catch (RuntimeException e) {
            LOG.warn("closing {} failed: {}", slot, e.getMessage());
        } finally {
            slot.transition(slot.state(), Slot.State.REMOVED);
            slot.pool().remove(slot);
            lock.lock();
            try {
                if (slot.freeBudgetOnce()) {
                    allocated = allocated.minus(slot.budget());
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Removes the named function: its queued requests give up, new ones are refused, running ones finish;
     * then every sandbox of it is closed. Null if there is no such function.
     */
    FunctionPool drain(String name) throws InterruptedException {
        FunctionPool pool = pools.remove(name);
        if (pool == null) {
            return null;
        }
        pool.drain();
        lock.lock();
        watchers++;
        try {
            changed.signalAll();
            while (!pool.slots().isEmpty()) {
                for (Slot s : pool.slots()) {
                    if (s.transition(Slot.State.WARM, Slot.State.COOLING)) {
                        lock.unlock(); // closing takes time: do not hold up admission meanwhile
                        try {
                            retire(s);
                        } finally {
                            lock.lock();
                        }
                    }
                }
                if (pool.slots().stream().anyMatch(s -> s.state() != Slot.State.WARM)) {
                    changed.await(100, TimeUnit.MILLISECONDS);
                }
            }
            return pool;
        } finally {
            watchers--;
            lock.unlock();
        }
    }
}
