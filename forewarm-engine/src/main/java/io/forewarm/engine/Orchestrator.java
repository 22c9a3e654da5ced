package io.forewarm.engine;

import io.forewarm.core.ExecutionRecord;
import io.forewarm.core.ExitKind;
import io.forewarm.core.FunctionSpec;
import io.forewarm.core.KeepAliveBounds;
import io.forewarm.core.ResourceVector;
import io.forewarm.history.HistoryStore;
import io.forewarm.history.HistoryView;
import io.forewarm.predict.Policy;
import io.forewarm.predict.Signals;
import io.forewarm.predict.UnitProfile;
import io.forewarm.sandbox.Invocation;
import io.forewarm.sandbox.Isolation;
import io.forewarm.sandbox.NotStartedException;
import io.forewarm.sandbox.Sandbox;
import io.forewarm.sandbox.SandboxException;
import io.forewarm.sandbox.SandboxFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Routes invocations to sandboxes: a warm one of the function if there is one (one compare-and-set), else a
 * cold start if the host budget allows (evicting the least valuable idle sandboxes when memory is short),
 * else a place in a bounded queue until a deadline. Every execution, rejections included, becomes an
 * {@link ExecutionRecord} handed to history off the request path. Pool management in the manner of
 * OpenWhisk's ContainerPool (pools named by role, pure decisions apart) with HikariCP's CAS entry states.
 *
 * <p>Thread-safe. The warm path takes no lock (see {@link WarmPool}).
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
    private final Signals signals = new Signals();
    private final EnginePolicies policies = new EnginePolicies(signals);
    private final WarmPool pool;
    private final ExecutorService starters = Executors.newCachedThreadPool(r -> Thread.ofPlatform().daemon()
            .name("forewarm-prewarm").unstarted(r));
    private final Housekeeper housekeeper;

    /**
     * An engine that starts sandboxes with {@code factory} and hands every record to {@code history} (for
     * instance {@code store::append}); {@code clock} stamps arrivals and drives every decision. Without a
     * history to read back, models are never refitted on the retraining timer.
     */
    public Orchestrator(SandboxFactory factory, Consumer<ExecutionRecord> history, EngineConfig config,
                        InstantSource clock) {
        this(factory, history, null, null, config, clock);
    }

    /** An engine that writes every execution record to {@code history} and refits models from it. */
    public Orchestrator(SandboxFactory factory, HistoryStore history, EngineConfig config, InstantSource clock) {
        this(factory, history::append, history, history::flush, config, clock);
    }

    private Orchestrator(SandboxFactory factory, Consumer<ExecutionRecord> sink, HistoryView view,
                         Runnable flushView, EngineConfig config, InstantSource clock) {
        this.factory = factory;
        this.config = config;
        this.clock = clock;
        this.recorder = new Recorder(sink, config.recordBuffer());
        this.monitor = new UsageMonitor(config.sampleInterval());
        this.pool = new WarmPool(config, clock);
        Runnable flush = flushView == null ? this::flushRecords : () -> {
            flushRecords();
            flushView.run();
        };
        this.housekeeper = new Housekeeper(this, config.tick(), signals,
                new Retraining(view, config.retrainInterval(), config.retrainLookback()), flush);
    }

    /**
     * The engine's external signals (scheduled events, data feeds, user activity): what is registered here
     * reaches the policies that use them ({@code seasonal}, {@code auto}) at once.
     */
    public Signals signals() {
        return signals;
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
        register(spec, policySpec, KeepAliveBounds.NONE);
    }

    /** Registers {@code spec} with the policy {@code policySpec}, its windows held within {@code bounds}. */
    public void register(FunctionSpec spec, String policySpec, KeepAliveBounds bounds) {
        ResourceVector need = config.accounted(spec.limits());
        if (!config.capacity().fits(need)) {
            throw new IllegalArgumentException("function '" + spec.name() + "' needs " + need
                    + " per sandbox but the host capacity is " + config.capacity());
        }
        Policy policy = policies.get(policySpec);
        FunctionPool fn = new FunctionPool(spec, policySpec, bounds, policy, UnitProfile.of(spec.name(),
                need.memoryMb(), COLD_START_GUESS_MILLIS), COLD_START_GUESS_MILLIS, new Sizing(spec, config.sizing()));
        if (!pool.add(fn)) {
            throw new IllegalArgumentException("function '" + spec.name() + "' is already registered");
        }
    }

    /** Unregisters {@code name}: new requests fail at once, running ones finish, then every sandbox closes. */
    public void unregister(String name) {
        try {
            if (pool.drain(name) == null) {
                throw new IllegalArgumentException("unknown function '" + name + "'");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while draining '" + name + "'", e);
        }
    }

    /** The registered functions' names. */
    public List<String> functions() {
        return pool.all().stream().map(FunctionPool::name).sorted().toList();
    }

    /**
     * Runs {@code payload} through {@code function}. Never throws for a failure of the function or of the
     * sandbox: each comes back with its own {@link ExitKind}; CAPACITY when no sandbox could be had in time.
     *
     * @throws IllegalArgumentException when the function is not registered or the payload is null
     */
    public InvokeResult invoke(String function, byte[] payload) {
        if (payload == null) {
            throw new IllegalArgumentException("payload of '" + function + "' is null; pass an empty array");
        }
        FunctionPool fn = pool.get(function);
        if (fn == null || fn.draining()) {
            throw new IllegalArgumentException("unknown function '" + function + "'");
        }
        Instant arrival = clock.instant();
        long start = System.nanoTime();
        fn.arrive(arrival.toEpochMilli());
        while (true) {
            try {
                return admitAndRun(fn, payload, arrival, start);
            } catch (NotStartedException e) {
                // it waited in a worker's pipeline behind an invocation that broke the worker: it never ran, so it
                // goes to another sandbox, its queue time counting on
                LOG.debug("invocation of '{}' did not start and goes elsewhere: {}", fn.name(), e.getMessage());
            }
        }
    }

    /** Gets a sandbox for one invocation and runs it there; NotStartedException if it never reached the function. */
    private InvokeResult admitAndRun(FunctionPool fn, byte[] payload, Instant arrival, long start) {
        WarmPool.Ticket ticket = pool.acquire(fn, start);
        while (ticket instanceof WarmPool.Admitted a && !a.cold()
                && a.slot().sandbox().state() != Sandbox.State.READY) {
            // its worker died while idle, after the housekeeper's last look: not this request's failure
            LOG.warn("retired {} of '{}' before use: its worker died while idle", a.slot(), fn.name());
            a.slot().letGo();
            retireBroken(a.slot());
            ticket = pool.acquire(fn, start);
        }
        long queueMillis = millis(System.nanoTime() - start);
        if (ticket instanceof WarmPool.Rejected r) {
            record(fn, arrival, null, new Invocation(ExitKind.CAPACITY, NOTHING, Duration.ZERO, r.why()),
                    queueMillis, false, 0, UsageMonitor.Peaks.UNKNOWN);
            return new InvokeResult(fn.name(), ExitKind.CAPACITY, NOTHING, r.why(), false, queueMillis, 0, 0, false,
                    r.reason());
        }
        WarmPool.Admitted a = (WarmPool.Admitted) ticket;
        if (!a.cold()) {
            return run(fn, a.slot(), payload, arrival, queueMillis, false, 0);
        }
        a.victims().forEach(pool::evict);
        long t0 = System.nanoTime();
        String failure = startSandbox(a.slot());
        long initMillis = millis(System.nanoTime() - t0);
        if (failure != null) {
            return notRun(fn, arrival, a.slot(), new Invocation(a.slot().failure(), NOTHING, Duration.ZERO,
                    failure), queueMillis, true, initMillis);
        }
        fn.coldStartMillis(initMillis);
        a.slot().hold(Slot.State.STARTING);
        return run(fn, a.slot(), payload, arrival, queueMillis, true, initMillis);
    }

    /**
     * Runs the invocation on the slot it holds (alone, or riding a busy worker's pipeline), then lets go of it: the
     * last to let go of a healthy sandbox makes it warm again, the first to see it broken retires it.
     */
    private InvokeResult run(FunctionPool fn, Slot slot, byte[] payload, Instant arrival, long queueMillis,
                             boolean cold, long initMillis) {
        Sandbox sandbox = slot.sandbox();
        fn.enter();
        UsageMonitor.Sampling sampling = monitor.start(slot, slot.holders() > 1);
        Invocation inv;
        try {
            inv = sandbox.invoke(payload, fn.spec().timeout());
        } catch (NotStartedException e) {
            fn.exit();
            monitor.finish(sampling, true, peaks -> { }); // nothing ran: its share of the group goes unrecorded
            slot.letGo();
            retireBroken(slot);
            throw e;
        } catch (RuntimeException e) {
            inv = new Invocation(ExitKind.CRASH, NOTHING, Duration.ZERO, "sandbox failed: " + e.getMessage());
        }
        fn.exit();
        Invocation outcome = inv;
        boolean healthy = (inv.exit() == ExitKind.OK || inv.exit() == ExitKind.FUNCTION_ERROR)
                && sandbox.state() == Sandbox.State.READY;
        boolean last = slot.letGo();
        boolean keep = healthy && !(last && fn.draining());
        // Accounted (and recorded) on the monitor thread; queued before the slot can be taken again.
        monitor.finish(sampling, !keep, peaks -> {
            adjustLimits(fn, slot, outcome, peaks);
            record(fn, arrival, slot, outcome, queueMillis, cold, initMillis, peaks);
        });
        if (!keep) {
            // Anything else leaves the sandbox unusable (or unwanted): replace it, the next request starts anew.
            retireBroken(slot);
        } else if (last) {
            pool.warmed(slot, Slot.State.BUSY);
        } else {
            pool.opened(); // its pipeline has room again
        }
        return result(fn, slot, inv, queueMillis, cold, initMillis);
    }

    /** Retires a BUSY slot that broke or is no longer wanted, unless another holder already did. */
    private void retireBroken(Slot slot) {
        if (slot.transition(Slot.State.BUSY, Slot.State.COOLING)) {
            pool.retire(slot);
        }
    }

    /**
     * Feeds the run to the function's right-sizing, whose recommendation sizes the next sandbox once it has
     * enough samples; until then to the limit rule, which raises the limits when the function keeps hitting them.
     */
    private void adjustLimits(FunctionPool fn, Slot slot, Invocation inv, UsageMonitor.Peaks peaks) {
        boolean oom = inv.exit() == ExitKind.OOM || peaks.oomKills() > 0;
        ResourceVector sized = fn.sizing().observe(slot.limits(), peaks, inv.runTime().toMillis(), oom,
                clock.millis(), config.capacity());
        if (sized != null) {
            fn.resize(sized);
            return;
        }
        if (!slot.limits().equals(fn.nextLimits())) {
            return; // measured under limits that were already raised since: says nothing about the new ones
        }
        LimitRule rule = config.limitRule();
        List<LimitRule.Run> runs = fn.addRun(new LimitRule.Run(peaks.peakMemoryBytes(), peaks.cpuMillis(),
                inv.runTime().toMillis(), oom), rule.window());
        ResourceVector headroom = config.capacity().minus(pool.allocated());
        ResourceVector next = rule.next(slot.limits(), runs, headroom);
        if (!next.equals(slot.limits())) {
            LOG.info("raising the limits of '{}' from {} to {} after repeated runs near them", fn.name(),
                    slot.limits(), next);
            fn.resize(next);
        }
    }

    /** Hands the execution's record to history (off the request path). */
    private void record(FunctionPool fn, Instant arrival, Slot slot, Invocation inv, long queueMillis,
                        boolean cold, long initMillis, UsageMonitor.Peaks peaks) {
        recorder.record(new ExecutionRecord(fn.name(), arrival, queueMillis, cold, initMillis,
                inv.runTime().toMillis(), peaks.cpuMillis(), peaks.peakMemoryBytes(), peaks.ioReadBytes(),
                peaks.ioWriteBytes(), peaks.netBytes(), inv.exit(), slot == null ? fn.nextLimits() : slot.limits(),
                slot != null && slot.limitRaised()));
    }

    /** Records an execution that never ran (rejected, or its sandbox failed to start) and returns its result. */
    private InvokeResult notRun(FunctionPool fn, Instant arrival, Slot slot, Invocation inv, long queueMillis,
                                boolean cold, long initMillis) {
        record(fn, arrival, slot, inv, queueMillis, cold, initMillis, UsageMonitor.Peaks.UNKNOWN);
        return result(fn, slot, inv, queueMillis, cold, initMillis);
    }

    private static InvokeResult result(FunctionPool fn, Slot slot, Invocation inv, long queueMillis, boolean cold,
                                       long initMillis) {
        return new InvokeResult(fn.name(), inv.exit(), inv.output(), inv.message(), cold, queueMillis, initMillis,
                inv.runTime().toMillis(), slot != null && slot.limitRaised(), Rejection.NONE);
    }

    /** Creates the slot's sandbox; returns null on success, else why it failed (the slot is then retired). */
    private String startSandbox(Slot slot) {
        FunctionSpec spec = slot.pool().spec();
        try {
            Sandbox sandbox = factory.create(spec, slot.limits());
            slot.started(sandbox, sandbox.usage());
            return null;
        } catch (RuntimeException e) {
            slot.failure(e instanceof SandboxException se ? se.kind() : ExitKind.INIT_FAILURE);
            if (slot.failure() == ExitKind.OOM) { // too small to even start: the next one gets more memory
                ResourceVector sized = slot.pool().sizing().observe(slot.limits(), UsageMonitor.Peaks.UNKNOWN, 0,
                        true, clock.millis(), config.capacity());
                if (sized != null) {
                    slot.pool().resize(sized);
                }
            }
            pool.retire(slot);
            LOG.warn("starting a sandbox of '{}' failed: {}", spec.name(), e.getMessage());
            return "sandbox of '" + spec.name() + "' failed to start: " + e.getMessage();
        }
    }

    // ---- for the housekeeper ----

    /** The pool of every function. */
    WarmPool pool() {
        return pool;
    }

    /**
     * Starts one sandbox of {@code fn} ahead of demand if the budget allows it without evicting and the
     * function is below its cap; completes with the slot once warm (or failed), or is null when not started.
     */
    CompletableFuture<Slot> prewarm(FunctionPool fn) {
        Slot slot = pool.reserveForPrewarm(fn);
        if (slot == null) {
            return null;
        }
        return CompletableFuture.supplyAsync(() -> {
            long t0 = System.nanoTime();
            if (startSandbox(slot) == null) {
                fn.coldStartMillis(millis(System.nanoTime() - t0));
                pool.warmed(slot, Slot.State.STARTING);
            }
            return slot;
        }, starters);
    }

    /** Runs one housekeeping round as of {@code now}: applies the plan, retires dead idle sandboxes. */
    public Housekeeper.Round tick(Instant now) {
        return housekeeper.tick(now);
    }

    /** Why {@code name}'s pool looks as it does now; null if it is not registered. */
    public Explanation explain(String name) {
        FunctionPool p = pool.get(name);
        if (p == null) {
            return null;
        }
        FunctionPool.Accuracy a = p.accuracy();
        return new Explanation(a.detail(), a.misses(), a.events(), housekeeper.explain(p, clock.millis()));
    }

    /** Waits until every execution so far was accounted and its record handed to history (tests, shutdown). */
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
        List<EngineStatus.FunctionStatus> fs = pool.all().stream()
                .sorted(Comparator.comparing(FunctionPool::name))
                .map(this::status)
                .toList();
        ResourceVector a = pool.allocated();
        Isolation iso = factory.isolation();
        return new EngineStatus(fs, config.capacity(), a, config.capacity().minus(a), pool.queued(), iso.backend(),
                iso.isolated(), iso.reason(), recorder.dropped());
    }

    /** A snapshot of one function's pool (cheaper than the whole {@link #status()}); null if not registered. */
    public EngineStatus.FunctionStatus status(String name) {
        FunctionPool p = pool.get(name);
        return p == null ? null : status(p);
    }

    private EngineStatus.FunctionStatus status(FunctionPool p) {
        return new EngineStatus.FunctionStatus(p.name(), p.policySpec(), p.count(Slot.State.WARM),
                p.count(Slot.State.BUSY), p.count(Slot.State.STARTING), p.queued(), p.running(), p.nextLimits(),
                p.raised(),
                p.window(), p.lastArrivalMillis(), p.coldStartMillis(), p.windowBaseMillis(), p.training(),
                p.sizing().status(config.capacity()));
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
