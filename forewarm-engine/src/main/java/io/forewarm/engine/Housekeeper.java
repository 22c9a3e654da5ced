package io.forewarm.engine;

import io.forewarm.core.FunctionSpec;
import io.forewarm.core.ResourceVector;
import io.forewarm.predict.Signals;
import io.forewarm.predict.plan.Plan;
import io.forewarm.predict.plan.Planner;
import io.forewarm.predict.plan.PoolSnapshot;
import io.forewarm.sandbox.Sandbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The one thread that shapes the warm pool between requests, as HikariCP's housekeeper does: every tick it
 * takes a snapshot of the pools, asks the pure {@link Planner} (the very code the simulator replays) what to
 * pre-warm and release, applies that, and retires idle sandboxes whose worker died. Before planning it lets
 * the policies that use external signals set a window for an upcoming scheduled event ({@link
 * io.forewarm.predict.UnitPolicy#onSchedule}), and when the retraining timer is due it refits every model from
 * recorded history ({@link Retraining}). The decisions are all in the policies and the planner; this class
 * only reads state and acts on it.
 */
public final class Housekeeper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Housekeeper.class);

    /**
     * What one tick did.
     *
     * @param plan      the planner's decision
     * @param released  idle sandboxes closed (planned releases that were not taken meanwhile, and dead ones)
     * @param prewarms  sandboxes being started ahead of demand; each completes when warm (or failed)
     * @param scheduled functions whose window a scheduled signal set this tick
     * @param refitted  functions whose model was refitted from history this tick
     */
    public record Round(Plan plan, int released, List<CompletableFuture<?>> prewarms, int scheduled,
                        int refitted) {

        /** Waits until every pre-warm of this round finished. */
        public Round awaitPrewarms() {
            CompletableFuture.allOf(prewarms.toArray(CompletableFuture[]::new)).join();
            return this;
        }
    }

    private final Orchestrator engine;
    private final Duration period;
    private final Planner planner = new Planner();
    private final Signals signals;
    private final Retraining retraining;
    private final Runnable flushHistory;
    private ScheduledExecutorService timer;

    Housekeeper(Orchestrator engine, Duration period, Signals signals, Retraining retraining,
                Runnable flushHistory) {
        this.engine = engine;
        this.period = period;
        this.signals = signals;
        this.retraining = retraining;
        this.flushHistory = flushHistory;
    }

    /** Starts ticking every period with the time of {@code clock}. */
    synchronized void start(InstantSource clock) {
        if (timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                .name("forewarm-housekeeper").unstarted(r));
        long ms = period.toMillis();
        timer.scheduleWithFixedDelay(() -> {
            try {
                tick(clock.instant());
            } catch (RuntimeException e) {
                LOG.error("housekeeping tick failed; the next one retries", e); // one bad tick must not stop all
            }
        }, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** One round as of {@code now}. */
    public synchronized Round tick(Instant now) {
        long nowMillis = now.toEpochMilli();
        int released = retireDead();
        List<FunctionPool> pools = engine.pool().all();
        int refitted = 0;
        if (retraining.due(nowMillis)) {
            flushHistory.run(); // every finished run is in history before models learn from it
            refitted = retraining.run(pools, nowMillis);
            LOG.info("refitted {} of {} models from recorded history", refitted, pools.size());
        }
        int scheduled = 0;
        if (!signals.isEmpty()) {
            for (FunctionPool p : pools) {
                if (p.policy().usesSignals() && p.onSchedule(nowMillis)) {
                    scheduled++;
                }
            }
        }
        List<List<Slot>> idle = new ArrayList<>();
        PoolSnapshot snapshot = snapshot(pools, idle, nowMillis);
        Plan plan = planner.plan(snapshot, nowMillis);
        for (Plan.Release r : plan.releases()) {
            Slot slot = find(idle.get(r.functionIndex()), r.sandboxId());
            if (slot != null && engine.pool().release(slot)) {
                released++;
                if (r.cause() == Plan.Cause.EVICTED_FOR_CAPACITY) {
                    slot.pool().evicted(nowMillis);
                }
                LOG.debug("{}", r.reason());
            }
        }
        List<CompletableFuture<?>> started = new ArrayList<>();
        for (Plan.Prewarm p : plan.prewarms()) {
            for (int i = 0; i < p.count(); i++) {
                CompletableFuture<Slot> f = engine.prewarm(pools.get(p.functionIndex()));
                if (f == null) {
                    break; // no room after all (a request took it meanwhile): the next tick plans again
                }
                started.add(f);
            }
            LOG.debug("{}", p.reason());
        }
        return new Round(plan, released, List.copyOf(started), scheduled, refitted);
    }

    /**
     * Why each of {@code p}'s sandboxes exists at {@code nowMillis}, and which the planner would start: its
     * verdict on this function now, without acting on it (the plan is a pure function of the snapshot).
     */
    List<Explanation.Sandbox> explain(FunctionPool p, long nowMillis) {
        Plan plan = planner.plan(snapshot(List.of(p), new ArrayList<>(), nowMillis), nowMillis);
        Plan.Keep keep = plan.keeps().isEmpty() ? null : plan.keeps().getFirst();
        List<Explanation.Sandbox> out = new ArrayList<>();
        for (Slot s : p.slots()) {
            String why = switch (s.state()) {
                case BUSY -> "running an invocation";
                case STARTING -> "starting: a cold start for a request, or a pre-warm the plan asked for";
                case COOLING, REMOVED -> "being released";
                case WARM -> plan.releases().stream().filter(r -> r.sandboxId() == s.id()).findFirst()
                        .map(r -> "idle; the next tick releases it: " + r.reason())
                        .orElse(keep == null ? "idle" : "idle; " + keep.reason());
            };
            out.add(new Explanation.Sandbox(s.id(), s.state().name().toLowerCase(java.util.Locale.ROOT), why));
        }
        for (Plan.Prewarm w : plan.prewarms()) {
            out.add(new Explanation.Sandbox(-1, "planned", w.reason()));
        }
        return out;
    }

    /** Closes idle sandboxes whose worker died while idle, before a request meets them. */
    private int retireDead() {
        int n = 0;
        for (FunctionPool p : engine.pool().all()) {
            boolean worker = p.spec().kind() == FunctionSpec.Kind.WORKER;
            for (Slot s : p.slots()) {
                if (s.state() == Slot.State.WARM && dead(s.sandbox(), worker) && engine.pool().release(s)) {
                    LOG.warn("retired {} of '{}': its worker died while idle", s, p.name());
                    n++;
                }
            }
        }
        return n;
    }

    /** Not ready, or (a worker) without a single live process: a command function has none while idle. */
    private static boolean dead(Sandbox sb, boolean worker) {
        if (sb == null) {
            return false;
        }
        if (sb.state() != Sandbox.State.READY) {
            return true;
        }
        try {
            return worker && sb.usage().processes() == 0;
        } catch (RuntimeException e) {
            return true;
        }
    }

    private PoolSnapshot snapshot(List<FunctionPool> pools, List<List<Slot>> idleOut, long nowMillis) {
        List<PoolSnapshot.FunctionState> states = new ArrayList<>(pools.size());
        long allocatedBytes = engine.pool().allocated().memoryBytes();
        for (FunctionPool p : pools) {
            List<Slot> idle = new ArrayList<>();
            List<PoolSnapshot.IdleSandbox> idleViews = new ArrayList<>();
            int busy = 0;
            int starting = 0;
            for (Slot s : p.slots()) {
                switch (s.state()) {
                    case WARM -> {
                        idle.add(s);
                        idleViews.add(new PoolSnapshot.IdleSandbox(s.id(), s.idleSinceMillis(), s.budget()));
                    }
                    case BUSY -> busy++;
                    case STARTING -> starting++;
                    default -> {
                    }
                }
            }
            idleOut.add(idle);
            ResourceVector size = engine.pool().budget(p);
            // the planner measures the window from when it was set: the last arrival, or a scheduled signal's tick
            states.add(new PoolSnapshot.FunctionState(p.name(), p.windowBaseMillis(), p.window(), size, busy,
                    starting, p.recentPeak(), p.retentionValue(nowMillis), p.coldStartMillis(), idleViews));
        }
        return PoolSnapshot.of(engine.pool().capacity().memoryBytes(), allocatedBytes, period.toMillis(), states);
    }

    private static Slot find(List<Slot> slots, long id) {
        for (Slot s : slots) {
            if (s.id() == id) {
                return s;
            }
        }
        return null;
    }

    /** Stops ticking. */
    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            try {
                timer.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
