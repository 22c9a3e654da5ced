package io.forewarm.engine;

import io.forewarm.core.ExecutionRecord;
import io.forewarm.core.ExitKind;
import io.forewarm.core.FunctionSpec;
import io.forewarm.core.ResourceVector;
import io.forewarm.history.HistoryStore;
import io.forewarm.predict.Policy;
import io.forewarm.predict.UnitProfile;
import io.forewarm.sandbox.Invocation;
import io.forewarm.sandbox.Isolation;
import io.forewarm.sandbox.Sandbox;
import io.forewarm.sandbox.SandboxException;
import io.forewarm.sandbox.SandboxFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Routes invocations to sandboxes: a warm one of the function if there is one (one compare-and-set), else a
 * cold start if the host budget allows (evicting the least valuable idle sandboxes when memory is short),
 * else a place in a bounded queue until a deadline. Every execution, rejections included, becomes an
 * {@link ExecutionRecord} handed to history off the request path. Pool management in the manner of
 * OpenWhisk's ContainerPool (pools named by role, pure decisions apart) with HikariCP's CAS entry states.
 *
 * <p>Thread-safe. The warm path takes no lock; admission, the budget and the queue share one lock.
 */
public final class Orchestrator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Orchestrator.class);
    private static final byte[] NOTHING = new byte[0];
    /** What a cold start is assumed to cost until one was measured. */
    private static final long COLD_START_GUESS_MILLIS = 1_000;

    private final SandboxFactory factory;
    private final EngineConfig config;
    private final InstantSource clock;
    private final Recorder recorder;
    private final UsageMonitor monitor;
    private final EnginePolicies policies = new EnginePolicies();
    private final Map<String, FunctionPool> pools = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final ExecutorService starters = Executors.newCachedThreadPool(r -> Thread.ofPlatform().daemon()
            .name("forewarm-prewarm").unstarted(r));
    private final Housekeeper housekeeper;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile ResourceVector allocated = ResourceVector.ZERO; // written under lock
    private int queued; // under lock
    /** Threads waiting on {@link #changed}; read without the lock by releasers to skip needless signals. */
    private volatile int watchers;

    /**
     * An engine that starts sandboxes with {@code factory} and hands every record to {@code history} (for
     * instance {@code store::append}); {@code clock} stamps arrivals and drives every decision.
     */
    public Orchestrator(SandboxFactory factory, Consumer<ExecutionRecord> history, EngineConfig config,
                        InstantSource clock) {
        this.factory = factory;
        this.config = config;
        this.clock = clock;
        this.recorder = new Recorder(history, config.recordBuffer());
        this.monitor = new UsageMonitor(config.sampleInterval());
        this.housekeeper = new Housekeeper(this, config.tick());
    }

    /** An engine that writes every execution record to {@code history}. */
    public Orchestrator(SandboxFactory factory, HistoryStore history, EngineConfig config, InstantSource clock) {
        this(factory, (Consumer<ExecutionRecord>) history::append, config, clock);
    }

    /** Starts the housekeeper's periodic tick (tests call {@link #tick(Instant)} themselves instead). */
    public Orchestrator start() {
        housekeeper.start(clock);
        return this;
    }

    /** Registers {@code spec} with the engine's default policy. */
    public void register(FunctionSpec spec) {
        register(spec, config.defaultPolicy());
    }

    /** Registers {@code spec} with the policy {@code policySpec} (e.g. {@code fixed:10}, {@code hybrid}). */
    public void register(FunctionSpec spec, String policySpec) {
        ResourceVector need = config.accounted(spec.limits());
        if (!config.capacity().fits(need)) {
            throw new IllegalArgumentException("function '" + spec.name() + "' needs " + need
                    + " per sandbox but the host capacity is " + config.capacity());
        }
        Policy policy = policies.get(policySpec);
        FunctionPool pool = new FunctionPool(spec, policySpec, policy, policy.newUnit(UnitProfile.of(spec.name(),
                need.memoryMb(), COLD_START_GUESS_MILLIS)), COLD_START_GUESS_MILLIS);
        if (pools.putIfAbsent(spec.name(), pool) != null) {
            throw new IllegalArgumentException("function '" + spec.name() + "' is already registered");
        }
    }

    /** Unregisters {@code name}: new requests fail at once, running ones finish, then every sandbox closes. */
    public void unregister(String name) {
        FunctionPool pool = pools.remove(name);
        if (pool == null) {
            throw new IllegalArgumentException("unknown function '" + name + "'");
        }
        pool.drain();
        lock.lock();
        watchers++;
        try {
            changed.signalAll(); // its queued requests give up
            while (!pool.slots().isEmpty()) {
                for (Slot s : pool.slots()) {
                    if (s.transition(Slot.State.WARM, Slot.State.COOLING)) {
                        lock.unlock();
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
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while draining '" + name + "'", e);
        } finally {
            watchers--;
            lock.unlock();
        }
    }

    /** The registered functions' names. */
    public List<String> functions() {
        return pools.keySet().stream().sorted().toList();
    }

    /**
     * Runs {@code payload} through {@code function}. Never throws for a failure of the function or of the
     * sandbox: each comes back with its own {@link ExitKind}; CAPACITY when no sandbox could be had in time.
     *
     * @throws IllegalArgumentException when the function is not registered
     */
    public InvokeResult invoke(String function, byte[] payload) {
        FunctionPool pool = pools.get(function);
        if (pool == null || pool.draining()) {
            throw new IllegalArgumentException("unknown function '" + function + "'");
        }
        Instant arrival = clock.instant();
        long start = System.nanoTime();
        pool.arrive(arrival.toEpochMilli());
        Slot warm = pool.takeWarm();
        Ticket ticket = warm != null ? new Admitted(warm, false, List.of()) : admit(pool, start);
        long queueMillis = warm != null ? 0 : millis(System.nanoTime() - start);
        if (ticket instanceof Rejected r) {
            return notRun(pool, arrival, null, new Invocation(ExitKind.CAPACITY, NOTHING, Duration.ZERO, r.why()),
                    queueMillis, false, 0);
        }
        Admitted a = (Admitted) ticket;
        a.victims().forEach(this::retireEvicted);
        long initMillis = 0;
        if (a.cold()) {
            long t0 = System.nanoTime();
            String failure = startSandbox(a.slot());
            initMillis = millis(System.nanoTime() - t0);
            if (failure != null) {
                ExitKind kind = a.slot().failure();
                return notRun(pool, arrival, a.slot(), new Invocation(kind, NOTHING, Duration.ZERO, failure),
                        queueMillis, true, initMillis);
            }
            pool.coldStartMillis(initMillis);
            a.slot().transition(Slot.State.STARTING, Slot.State.BUSY);
        }
        return run(pool, a.slot(), payload, arrival, queueMillis, a.cold(), initMillis);
    }

    private InvokeResult run(FunctionPool pool, Slot slot, byte[] payload, Instant arrival, long queueMillis,
                             boolean cold, long initMillis) {
        Sandbox sandbox = slot.sandbox();
        pool.enter();
        UsageMonitor.Sampling sampling = monitor.start(slot);
        Invocation inv;
        try {
            inv = sandbox.invoke(payload, pool.spec().timeout());
        } catch (RuntimeException e) {
            inv = new Invocation(ExitKind.CRASH, NOTHING, Duration.ZERO, "sandbox failed: " + e.getMessage());
        }
        pool.exit();
        Invocation outcome = inv;
        boolean reusable = (inv.exit() == ExitKind.OK || inv.exit() == ExitKind.FUNCTION_ERROR)
                && sandbox.state() == Sandbox.State.READY && !pool.draining();
        // Accounted (and recorded) on the monitor thread; queued before the slot can be taken again.
        monitor.finish(sampling, !reusable, peaks -> {
            adjustLimits(pool, slot, outcome, peaks);
            record(pool, arrival, slot, outcome, queueMillis, cold, initMillis, peaks);
        });
        if (reusable) {
            slot.idleSince(clock.millis());
            slot.transition(Slot.State.BUSY, Slot.State.WARM);
            signal();
        } else {
            // Anything else leaves the sandbox unusable (or unwanted): replace it, the next request starts anew.
            slot.transition(Slot.State.BUSY, Slot.State.COOLING);
            retire(slot);
        }
        return result(pool, slot, inv, queueMillis, cold, initMillis);
    }

    /** Feeds the run to the limit rule; raises the next sandbox's limits when the function keeps hitting them. */
    private void adjustLimits(FunctionPool pool, Slot slot, Invocation inv, UsageMonitor.Peaks peaks) {
        if (!slot.limits().equals(pool.nextLimits())) {
            return; // measured under limits that were already raised since: says nothing about the new ones
        }
        boolean oom = inv.exit() == ExitKind.OOM || peaks.oomKills() > 0;
        LimitRule rule = config.limitRule();
        List<LimitRule.Run> runs = pool.addRun(new LimitRule.Run(peaks.peakMemoryBytes(), peaks.cpuMillis(),
                inv.runTime().toMillis(), oom), rule.window());
        ResourceVector headroom = config.capacity().minus(allocated);
        ResourceVector next = rule.next(slot.limits(), runs, headroom);
        if (!next.equals(slot.limits())) {
            LOG.info("raising the limits of '{}' from {} to {} after repeated runs near them", pool.name(),
                    slot.limits(), next);
            pool.raiseLimits(next);
        }
    }

    /** Hands the execution's record to history (off the request path). */
    private void record(FunctionPool pool, Instant arrival, Slot slot, Invocation inv, long queueMillis,
                        boolean cold, long initMillis, UsageMonitor.Peaks peaks) {
        recorder.record(new ExecutionRecord(pool.name(), arrival, queueMillis, cold, initMillis,
                inv.runTime().toMillis(), peaks.cpuMillis(), peaks.peakMemoryBytes(), peaks.ioReadBytes(),
                peaks.ioWriteBytes(), -1, inv.exit(), slot == null ? pool.nextLimits() : slot.limits(),
                slot != null && slot.limitRaised()));
    }

    /** Records an execution that never ran (rejected, or its sandbox failed to start) and returns its result. */
    private InvokeResult notRun(FunctionPool pool, Instant arrival, Slot slot, Invocation inv, long queueMillis,
                                boolean cold, long initMillis) {
        record(pool, arrival, slot, inv, queueMillis, cold, initMillis, UsageMonitor.Peaks.UNKNOWN);
        return result(pool, slot, inv, queueMillis, cold, initMillis);
    }

    private static InvokeResult result(FunctionPool pool, Slot slot, Invocation inv, long queueMillis, boolean cold,
                                       long initMillis) {
        return new InvokeResult(pool.name(), inv.exit(), inv.output(), inv.message(), cold, queueMillis, initMillis,
                inv.runTime().toMillis(), slot != null && slot.limitRaised());
    }

    private sealed interface Ticket permits Admitted, Rejected {
    }

    private record Admitted(Slot slot, boolean cold, List<Slot> victims) implements Ticket {
    }

    private record Rejected(String why) implements Ticket {
    }

    /** Waits (bounded) for a warm sandbox or room for a new one; the new slot is reserved STARTING. */
    private Ticket admit(FunctionPool pool, long startNanos) {
        long deadline = startNanos + config.queueDeadline().toNanos();
        boolean inQueue = false;
        lock.lock();
        try {
            while (true) {
                if (pool.draining()) {
                    return new Rejected("function '" + pool.name() + "' was unregistered while waiting");
                }
                Slot warm = pool.takeWarm();
                if (warm != null) {
                    return new Admitted(warm, false, List.of());
                }
                long now = clock.millis();
                ResourceVector need = config.accounted(pool.nextLimits());
                Admission.Decision d = Admission.decide(live(pool), pool.spec().maxConcurrency(), need,
                        config.capacity().minus(allocated), idleCandidates(now), queued, config.queueCapacity(),
                        inQueue);
                switch (d) {
                    case Admission.Reject r -> {
                        return new Rejected(r.why());
                    }
                    case Admission.Start s -> {
                        List<Slot> victims = claim(s.victims());
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
                        }
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            return new Rejected("no capacity within " + config.queueDeadline().toMillis()
                                    + " ms: " + w.why());
                        }
                        changed.awaitNanos(left);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Rejected("interrupted while waiting for capacity");
        } finally {
            if (inQueue) {
                queued--;
                watchers--;
                pool.queued(-1);
            }
            lock.unlock();
        }
    }

    /** Under the lock: gives the victims' budget to a new STARTING slot of {@code pool}. */
    private Slot reserve(FunctionPool pool, List<Slot> victims) {
        ResourceVector a = allocated;
        for (Slot v : victims) {
            a = a.minus(v.budget());
        }
        ResourceVector limits = pool.nextLimits();
        Slot slot = new Slot(ids.incrementAndGet(), pool, limits, config.accounted(limits), pool.raised());
        allocated = a.plus(slot.budget());
        pool.add(slot);
        return slot;
    }

    /** Claims every candidate by CAS WARM to COOLING, or none (null) if one was taken meanwhile. */
    private List<Slot> claim(List<Victims.Candidate> candidates) {
        List<Slot> claimed = new ArrayList<>();
        for (Victims.Candidate c : candidates) {
            Slot s = findSlot(c.slotId());
            if (s == null || !s.transition(Slot.State.WARM, Slot.State.COOLING)) {
                claimed.forEach(x -> x.transition(Slot.State.COOLING, Slot.State.WARM));
                return null;
            }
            claimed.add(s);
        }
        return claimed;
    }

    private Slot findSlot(long id) {
        for (FunctionPool p : pools.values()) {
            for (Slot s : p.slots()) {
                if (s.id() == id) {
                    return s;
                }
            }
        }
        return null;
    }

    /** Idle sandboxes of every function, valued by their policy, for eviction. */
    private List<Victims.Candidate> idleCandidates(long now) {
        List<Victims.Candidate> out = new ArrayList<>();
        for (FunctionPool p : pools.values()) {
            double value = Double.NaN;
            for (Slot s : p.slots()) {
                if (s.state() == Slot.State.WARM) {
                    if (Double.isNaN(value)) {
                        value = p.retentionValue(now);
                    }
                    out.add(new Victims.Candidate(s.id(), s.budget(), value, s.idleSinceMillis()));
                }
            }
        }
        return out;
    }

    private static int live(FunctionPool pool) {
        int n = 0;
        for (Slot s : pool.slots()) {
            Slot.State st = s.state();
            if (st == Slot.State.STARTING || st == Slot.State.WARM || st == Slot.State.BUSY) {
                n++;
            }
        }
        return n;
    }

    /** Creates the slot's sandbox; returns null on success, else why it failed (the slot is then removed). */
    private String startSandbox(Slot slot) {
        FunctionSpec spec = slot.pool().spec();
        try {
            Sandbox sandbox = factory.create(spec, slot.limits());
            slot.started(sandbox, sandbox.usage());
            return null;
        } catch (RuntimeException e) {
            slot.failure(e instanceof SandboxException se ? se.kind() : ExitKind.INIT_FAILURE);
            slot.transition(Slot.State.STARTING, Slot.State.REMOVED);
            slot.pool().remove(slot);
            free(slot);
            LOG.warn("starting a sandbox of '{}' failed: {}", spec.name(), e.getMessage());
            return "sandbox of '" + spec.name() + "' failed to start: " + e.getMessage();
        }
    }

    private void retireEvicted(Slot victim) {
        victim.pool().evicted(clock.millis());
        LOG.debug("evicting idle {} of '{}' for capacity", victim, victim.pool().name());
        close(victim);
    }

    /** Closes a COOLING (or BUSY, broken) slot, removes it and frees its budget. */
    void retire(Slot slot) {
        close(slot);
        free(slot);
    }

    private static void close(Slot slot) {
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
        }
    }

    private void free(Slot slot) {
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

    /** Wakes waiters after a sandbox became warm; costs nothing when nobody waits. */
    private void signal() {
        if (watchers > 0) {
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    // ---- actuator for the housekeeper ----

    /** The host budget. */
    ResourceVector capacity() {
        return config.capacity();
    }

    /** What sandboxes take of the budget now. */
    ResourceVector allocated() {
        return allocated;
    }

    /** What the next sandbox of {@code pool} takes of the budget. */
    ResourceVector budget(FunctionPool pool) {
        return config.accounted(pool.nextLimits());
    }

    /** The pools, for the housekeeper. */
    List<FunctionPool> pools() {
        return List.copyOf(pools.values());
    }

    /**
     * Starts one sandbox of {@code pool} ahead of demand if the budget allows it without evicting and the
     * function is below its cap; completes with the slot once warm (or failed), or is null when not started.
     */
    CompletableFuture<Slot> prewarm(FunctionPool pool) {
        Slot slot;
        lock.lock();
        try {
            ResourceVector need = config.accounted(pool.nextLimits());
            if (pool.draining() || live(pool) >= pool.spec().maxConcurrency()
                    || !config.capacity().minus(allocated).fits(need)) {
                return null;
            }
            slot = reserve(pool, List.of());
        } finally {
            lock.unlock();
        }
        return CompletableFuture.supplyAsync(() -> {
            long t0 = System.nanoTime();
            if (startSandbox(slot) == null) {
                pool.coldStartMillis(millis(System.nanoTime() - t0));
                slot.idleSince(clock.millis());
                slot.transition(Slot.State.STARTING, Slot.State.WARM);
                signal();
            }
            return slot;
        }, starters);
    }

    /** Releases an idle slot (CAS WARM to COOLING, then close); false if it was taken meanwhile. */
    boolean release(Slot slot) {
        if (!slot.transition(Slot.State.WARM, Slot.State.COOLING)) {
            return false;
        }
        retire(slot);
        return true;
    }

    /** Runs one housekeeping round as of {@code now}: applies the plan, retires dead idle sandboxes. */
    public Housekeeper.Round tick(Instant now) {
        return housekeeper.tick(now);
    }

    /** Waits until every execution record so far was handed to history (tests, shutdown). */
    public void flushRecords() {
        try {
            monitor.flush();
            recorder.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A snapshot of every pool, the budget, the queue and the isolation backend. */
    public EngineStatus status() {
        List<EngineStatus.FunctionStatus> fs = pools.values().stream()
                .sorted(Comparator.comparing(FunctionPool::name))
                .map(p -> new EngineStatus.FunctionStatus(p.name(), p.policySpec(), p.count(Slot.State.WARM),
                        p.count(Slot.State.BUSY), p.count(Slot.State.STARTING), p.queued(), p.nextLimits(),
                        p.raised(), p.window(), p.lastArrivalMillis(), p.coldStartMillis()))
                .toList();
        ResourceVector a = allocated;
        Isolation iso = factory.isolation();
        int q;
        lock.lock();
        try {
            q = queued;
        } finally {
            lock.unlock();
        }
        return new EngineStatus(fs, config.capacity(), a, config.capacity().minus(a), q, iso.backend(),
                iso.isolated(), iso.reason(), recorder.dropped());
    }

    /** Stops the housekeeper, drains and closes every function's sandboxes, and flushes the records. */
    @Override
    public void close() {
        housekeeper.close();
        for (String name : functions()) {
            unregister(name);
        }
        starters.shutdown();
        try {
            starters.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        monitor.close();
        recorder.close();
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
