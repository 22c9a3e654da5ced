package io.forewarm.sim.fleet;

import io.forewarm.core.ResourceVector;
import io.forewarm.core.Window;
import io.forewarm.predict.Foresight;
import io.forewarm.predict.Policy;
import io.forewarm.predict.UnitPolicy;
import io.forewarm.predict.UnitProfile;
import io.forewarm.predict.plan.Plan;
import io.forewarm.predict.plan.Planner;
import io.forewarm.predict.plan.PoolSnapshot;
import io.forewarm.sim.PolicyResult;
import io.forewarm.sim.Simulation;
import io.forewarm.sim.trace.DurationProfile;
import io.forewarm.sim.trace.FunctionSeries;
import io.forewarm.sim.trace.MemoryProfile;
import io.forewarm.sim.trace.Trace;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The fleet model: a discrete-event replay, in virtual milliseconds, of every invocation on one host with a
 * memory capacity, deciding with the same {@link Planner} the live engine uses.
 *
 * <ul>
 *   <li>Arrivals: exact times when the trace has them, otherwise each minute's count spread over its 60
 *       seconds by a seeded generator ({@link Arrivals}).</li>
 *   <li>Each invocation runs for a duration drawn from the function's {@link DurationProfile} at a seeded
 *       uniform quantile (a constant {@link Simulation.Options#defaultDurationMs()} if the trace has none), so
 *       overlapping invocations need more than one instance.</li>
 *   <li>An arrival takes an idle instance of its unit if there is one: warm if it is ready, and if it is
 *       still starting (pre-warmed too late) it waits for it, which counts as a cold start of the remaining
 *       time. Otherwise it starts one: a cold start of {@link Simulation.Options#coldStartMillis(double)}
 *       that needs the unit's memory; if the host is short, the planner's {@link Planner#chooseVictims} picks idle
 *       instances to evict, and if even evicting every idle instance would not make room the invocation is
 *       {@code rejected} (counted as an event, not as a cold start).</li>
 *   <li>After each arrival the unit's policy returns its window. When an instance finishes, the planner is
 *       asked about that unit alone (so {@code none} releases at once); every {@link Simulation.Options#tickMillis()}
 *       it plans over the live units: those with instances or an open window. That set is kept incrementally, so a
 *       tick costs in proportion to what is loaded, not to the trace.</li>
 * </ul>
 * Pre-warmed instances count as idle from the moment they start (their memory is held). Wasted memory is the
 * time instances spend idle times their memory, clipped to {@code [scoreFrom, end of horizon)}; instances
 * still loaded at the end count to the end, as in the paper model.
 *
 * <p>When the trace gives memory distributions, {@link ShadowSizing} scores the resource recommender's memory
 * limits against each execution's drawn memory alongside, without changing any of the figures above.
 *
 * <p>The model checks its own invariants as it goes (memory never above capacity, the planner releases
 * only idle instances and pre-warms only what fits, instance counts and allocated memory agree at the end)
 * and calls every unit policy's {@link UnitPolicy#verify()} at the end.
 */
public final class FleetModel {

    private static final long MINUTE = 60_000;
    private static final long MB = 1024 * 1024;

    private final Policy policy;
    private final Simulation.Options options;
    private final Planner planner;
    private final List<Pool> pools = new ArrayList<>();
    private final List<Source> sources = new ArrayList<>();
    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private final List<Pool> live = new ArrayList<>();
    private final long capacity;
    private final long scoreFrom;
    private final long horizonEnd;
    private long allocated;
    private long idleBytes; // memory of idle instances: when it cannot cover a cold start, nothing can
    private long peakAllocated;
    private long instances;
    private long nextInstanceId;
    private long seq;
    // scores
    private long evictions;
    private long rejected;
    private long wastedMs;
    private double wastedMbMs;
    private long addedLatencyMs;
    private long[] coldDelays = new long[64];
    private int coldCount;
    private final ShadowSizing sizing = new ShadowSizing();

    private FleetModel(Policy policy, Simulation.Options options, int firstMinute, int minutes) {
        this.policy = policy;
        this.options = options;
        this.planner = new Planner(false, policy.needsForesight() ? 0 : Planner.SAME_EVENT_MILLIS);
        this.capacity = options.capacityBytes();
        this.scoreFrom = options.scoreFrom() == Integer.MIN_VALUE ? Long.MIN_VALUE
                : options.scoreFrom() * MINUTE;
        this.horizonEnd = ((long) firstMinute + minutes) * MINUTE;
    }

    /** Replays every function of {@code trace} through {@code policy}, which must be fresh (it keeps state). */
    public static PolicyResult run(Trace trace, Policy policy, Simulation.Options options) throws IOException {
        List<FunctionSeries> series = new ArrayList<>();
        trace.forEach(series::add);
        return run(series, trace.firstMinute(), trace.minutes(), policy, options);
    }

    /**
     * Replays {@code series} over the horizon of {@code minutes} minutes from {@code firstMinute} through a
     * fresh {@code policy}; throws {@link IllegalStateException} if an invariant of the model or the policy
     * breaks, and {@link IllegalArgumentException} naming the function if an arrival lies outside the horizon.
     */
    public static PolicyResult run(List<FunctionSeries> series, int firstMinute, int minutes, Policy policy,
                                   Simulation.Options options) {
        long start = System.nanoTime();
        FleetModel model = new FleetModel(policy, options, firstMinute, minutes);
        model.load(series, firstMinute * MINUTE);
        model.replay();
        return model.result((System.nanoTime() - start) / 1_000_000);
    }

    // ---------------------------------------------------------------- setup

    private void load(List<FunctionSeries> series, long horizonStart) {
        Map<String, Pool> byUnit = new LinkedHashMap<>();
        Map<String, List<Source>> unitSources = new LinkedHashMap<>();
        Map<String, Double> unitMemory = new LinkedHashMap<>();
        Map<String, MemoryProfile> unitProfile = new LinkedHashMap<>();
        Set<String> unprofiled = new HashSet<>(); // a unit with a function of unknown distribution is not sized
        for (FunctionSeries s : series) {
            String unit = s.key().unit(options.unit());
            double mb = Double.isNaN(s.memoryMb()) ? options.defaultMemoryMb() : s.memoryMb();
            unitMemory.merge(unit, mb, Double::sum); // an application's sandbox holds all its functions
            if (s.memory() == null) {
                unprofiled.add(unit);
            } else {
                unitProfile.merge(unit, s.memory(), MemoryProfile::plus);
            }
            long sourceSeed = new SplittableRandom(options.seed() ^ (sources.size() * 0xBF58476D1CE4E5B9L))
                    .nextLong();
            Source src = new Source(sources.size(), unit, new Arrivals(s, sourceSeed, horizonStart, horizonEnd),
                    s.durations(), new SplittableRandom(sourceSeed + 1), new SplittableRandom(sourceSeed + 2));
            sources.add(src);
            unitSources.computeIfAbsent(unit, u -> new ArrayList<>()).add(src);
        }
        for (Map.Entry<String, List<Source>> e : unitSources.entrySet()) {
            String unit = e.getKey();
            double mb = unitMemory.get(unit);
            long cold = options.coldStartMillis(mb);
            List<Source> own = e.getValue();
            Foresight foresight = t -> {
                long next = Long.MAX_VALUE;
                for (Source s : own) {
                    next = Math.min(next, s.arrivals.nextAfter(t));
                }
                return next;
            };
            long bytes = Math.round(mb * MB);
            Pool pool = new Pool(pools.size(), unit, ResourceVector.of(0, bytes), mb, cold,
                    policy.newUnit(new UnitProfile(unit, mb, cold, foresight)),
                    unprofiled.contains(unit) || !unitProfile.containsKey(unit) ? null
                            : new ShadowSizing.Unit(unitProfile.get(unit), bytes));
            pools.add(pool);
            byUnit.put(unit, pool);
        }
        for (Source s : sources) {
            s.pool = byUnit.get(s.unit);
            schedule(s.arrivals.next(), Event.ARRIVAL, s.index, null);
        }
    }

    // ---------------------------------------------------------------- replay

    private void replay() {
        long nextTick = queue.isEmpty() ? horizonEnd : (queue.peek().time / options.tickMillis())
                * options.tickMillis();
        long handled = 0;
        while (true) {
            Event e = queue.peek();
            boolean tickFirst = nextTick < horizonEnd && (e == null || nextTick < e.time
                    || (nextTick == e.time && e.kind == Event.ARRIVAL));
            if (tickFirst) {
                tick(nextTick);
                nextTick += options.tickMillis();
                if (e == null && live.isEmpty()) {
                    break; // nothing loaded, nothing coming
                }
                continue;
            }
            if (e == null) {
                break;
            }
            if (live.isEmpty() && nextTick < e.time) {
                // Nothing loaded: skip the empty ticks up to the next event.
                nextTick = Math.max(nextTick, e.time / options.tickMillis() * options.tickMillis());
            }
            queue.poll();
            if (e.kind == Event.ARRIVAL) {
                arrive(sources.get(e.index), e.time);
            } else {
                complete(pools.get(e.index), e.instance, e.time);
            }
            if (++handled % 1_000_000 == 0) {
                options.progress().update("fleet " + policy.spec() + " minute", e.time / MINUTE,
                        horizonEnd / MINUTE);
            }
        }
        finish();
    }

    private void arrive(Source src, long t) {
        schedule(src.arrivals.next(), Event.ARRIVAL, src.index, null);
        Pool p = src.pool;
        p.window = p.policy.onArrival(t);
        p.last = t;
        if (!p.live) {
            p.live = true;
            live.add(p);
        }
        boolean scored = t >= scoreFrom;
        if (scored) {
            p.events++;
        }
        Instance inst = p.takeIdle(t);
        long delay;
        if (inst != null) {
            leaveIdle(p, inst, t);
            idleBytes -= p.size.memoryBytes();
            delay = Math.max(0, inst.readyAt - t);
        } else {
            long need = p.size.memoryBytes();
            if (capacity > 0 && allocated + need > capacity) {
                // Fast path: with too little idle memory the planner would choose no victims anyway.
                List<Plan.Release> victims = allocated + need - capacity > idleBytes ? List.of()
                        : planner.chooseVictims(new Snapshot(live, t), allocated + need - capacity, t);
                if (victims.isEmpty()) {
                    if (scored) {
                        rejected++;
                    }
                    return;
                }
                for (Plan.Release r : victims) {
                    release(live.get(r.functionIndex()), r, t);
                }
            }
            inst = new Instance(nextInstanceId++, t, limitBytes(p));
            allocate(p);
            delay = p.coldStartMillis;
        }
        inst.valueAtUse = p.policy.retentionValue(t);
        if (p.sizing != null) {
            inst.usedBytes = p.sizing.draw(src.memoryRandom);
            if (scored) {
                sizing.score(p.sizing, inst.limitBytes, inst.usedBytes);
            }
        }
        p.busy++;
        p.peak = p.busy == 1 ? 1 : Math.max(p.peak, p.busy); // a new burst starts when nothing was running
        if (delay > 0 && scored) {
            p.cold++;
            addedLatencyMs += delay;
            if (coldCount == coldDelays.length) {
                coldDelays = Arrays.copyOf(coldDelays, coldCount * 2);
            }
            coldDelays[coldCount++] = delay;
        }
        schedule(t + delay + src.drawDuration(options.defaultDurationMs()), Event.COMPLETE, p.index, inst);
    }

    private void complete(Pool p, Instance inst, long t) {
        if (p.sizing != null) {
            inst.limitBytes = p.sizing.complete(inst.usedBytes, inst.limitBytes, t);
        }
        p.busy--;
        inst.idleSince = t;
        inst.readyAt = Math.min(inst.readyAt, t);
        p.idle.add(inst);
        idleBytes += p.size.memoryBytes();
        apply(planner.plan(new Snapshot(List.of(p), t), t), List.of(p), t);
    }

    private void tick(long t) {
        if (live.isEmpty()) {
            return;
        }
        apply(planner.plan(new Snapshot(live, t), t), live, t);
        // Units with nothing loaded and a closed window leave the live set until their next arrival.
        int kept = 0;
        for (Pool p : live) {
            boolean open = p.window != null && t <= plus(p.last, p.window.loadUntilMillis());
            if (p.busy > 0 || !p.idle.isEmpty() || open) {
                live.set(kept++, p);
            } else {
                p.live = false;
            }
        }
        live.subList(kept, live.size()).clear();
    }

    private void apply(Plan plan, List<Pool> view, long t) {
        for (Plan.Action a : plan.actions()) {
            Pool p = view.get(a.functionIndex());
            if (a instanceof Plan.Release r) {
                release(p, r, t);
            } else if (a instanceof Plan.Prewarm w) {
                for (int k = 0; k < w.count(); k++) {
                    Instance inst = new Instance(nextInstanceId++, t + p.coldStartMillis, limitBytes(p));
                    inst.idleSince = t;
                    inst.valueAtUse = p.policy.retentionValue(t);
                    allocate(p);
                    p.idle.add(inst);
                    idleBytes += p.size.memoryBytes();
                }
            }
        }
    }

    private void release(Pool p, Plan.Release r, long t) {
        Instance inst = p.removeIdle(r.sandboxId());
        if (inst == null) {
            throw new IllegalStateException("invariant: the planner released sandbox " + r.sandboxId() + " of "
                    + p.id + ", which is not idle");
        }
        leaveIdle(p, inst, t);
        allocated -= p.size.memoryBytes();
        idleBytes -= p.size.memoryBytes();
        instances--;
        if (r.cause() == Plan.Cause.EVICTED_FOR_CAPACITY) {
            policy.onEvicted(p.policy, r.value(), t);
            if (t >= scoreFrom) {
                evictions++;
            }
        }
    }

    /** The shadow memory limit of an instance of {@code p} started now (0 when {@code p} is not sized). */
    private static long limitBytes(Pool p) {
        return p.sizing == null ? 0 : p.sizing.limitBytes();
    }

    private void allocate(Pool p) {
        allocated += p.size.memoryBytes();
        instances++;
        if (capacity > 0 && allocated > capacity) {
            throw new IllegalStateException("invariant: " + allocated + " bytes allocated exceed the capacity "
                    + capacity + " after starting an instance of " + p.id);
        }
        peakAllocated = Math.max(peakAllocated, allocated);
    }

    /** Counts the idle time of {@code inst}, which stops idling at {@code t}, clipped to the scored span. */
    private void leaveIdle(Pool p, Instance inst, long t) {
        long from = Math.max(inst.idleSince, scoreFrom);
        long until = Math.min(t, horizonEnd);
        if (until > from) {
            wastedMs += until - from;
            wastedMbMs += (until - from) * p.memoryMb;
        }
    }

    private void finish() {
        long counted = 0;
        long memory = 0;
        for (Pool p : pools) {
            if (p.busy != 0) {
                throw new IllegalStateException("invariant: " + p.id + " has " + p.busy + " busy instances after"
                        + " the last completion");
            }
            for (Instance inst : p.idle) {
                leaveIdle(p, inst, horizonEnd);
            }
            counted += p.idle.size();
            memory += p.idle.size() * p.size.memoryBytes();
        }
        if (counted != instances || memory != allocated || memory != idleBytes) {
            throw new IllegalStateException("invariant: " + instances + " instances / " + allocated + " bytes ("
                    + idleBytes + " idle) tracked but " + counted + " / " + memory + " loaded at the end");
        }
        for (Pool p : pools) {
            try {
                p.policy.verify();
            } catch (IllegalStateException e) {
                throw new IllegalStateException("policy " + policy.spec() + " broke an invariant for unit " + p.id
                        + ": " + e.getMessage(), e);
            }
        }
    }

    private PolicyResult result(long wallMs) {
        long events = 0;
        long cold = 0;
        long maxState = 0;
        double[] unitPct = new double[pools.size()];
        int scoredUnits = 0;
        for (Pool p : pools) {
            events += p.events;
            cold += p.cold;
            maxState = Math.max(maxState, p.policy.stateBytes());
            if (p.events > 0) {
                unitPct[scoredUnits++] = 100.0 * p.cold / p.events;
            }
        }
        double[] delays = new double[coldCount];
        for (int i = 0; i < coldCount; i++) {
            delays[i] = coldDelays[i];
        }
        double gib = 1024.0 * 1024 * 1024;
        PolicyResult.FleetFigures fleet = new PolicyResult.FleetFigures(options.capacityGb(),
                peakAllocated / gib, evictions, rejected, Simulation.percentile(delays, 50),
                addedLatencyMs / 1000.0);
        return new PolicyResult(policy.spec(), "fleet", options.unit().name().toLowerCase(Locale.ROOT),
                scoredUnits, events, cold, events == 0 ? 0 : 100.0 * cold / events,
                Simulation.percentile(Arrays.copyOf(unitPct, scoredUnits), 75), wastedMbMs / 1024.0 / MINUTE,
                Math.round((double) wastedMs / MINUTE), wallMs, maxState, fleet, sizing.figures());
    }

    private void schedule(long time, int kind, int index, Instance inst) {
        if (time != Long.MAX_VALUE) {
            queue.add(new Event(time, kind, seq++, index, inst));
        }
    }

    private static long plus(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? (a > 0 ? Long.MAX_VALUE : Long.MIN_VALUE) : r;
    }

    // ---------------------------------------------------------------- state

    /** A completion or an arrival; completions at an instant come before the tick, arrivals after it. */
    private record Event(long time, int kind, long seq, int index, Instance instance) implements Comparable<Event> {
        static final int COMPLETE = 0;
        static final int ARRIVAL = 2;

        @Override
        public int compareTo(Event o) {
            int c = Long.compare(time, o.time);
            if (c == 0) {
                c = Integer.compare(kind, o.kind);
            }
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    /** One function's arrivals and durations, feeding its unit's pool. */
    private static final class Source {
        final int index;
        final String unit;
        final Arrivals arrivals;
        final DurationProfile durations;
        final SplittableRandom random;
        /** Memory draws: a stream of their own, so sizing never shifts the duration draws. */
        final SplittableRandom memoryRandom;
        Pool pool;

        Source(int index, String unit, Arrivals arrivals, DurationProfile durations, SplittableRandom random,
               SplittableRandom memoryRandom) {
            this.index = index;
            this.unit = unit;
            this.arrivals = arrivals;
            this.durations = durations;
            this.random = random;
            this.memoryRandom = memoryRandom;
        }

        long drawDuration(double defaultMs) {
            double ms = durations == null ? defaultMs : durations.quantile(random.nextDouble());
            return Math.max(0, Math.round(ms));
        }
    }

    /** A loaded instance: busy (in an event) or idle (in its pool's list). */
    private static final class Instance {
        final long id;
        long readyAt;
        long idleSince;
        double valueAtUse; // the unit's retention value when this instance last served or was started
        long limitBytes; // its shadow memory limit (ShadowSizing)
        long usedBytes; // the memory its current execution uses

        Instance(long id, long readyAt, long limitBytes) {
            this.id = id;
            this.readyAt = readyAt;
            this.limitBytes = limitBytes;
        }
    }

    /** One unit's instances and policy state. */
    private static final class Pool {
        final int index;
        final String id;
        final ResourceVector size;
        final double memoryMb;
        final long coldStartMillis;
        final UnitPolicy policy;
        final ShadowSizing.Unit sizing; // null: the trace gives no memory distribution for the unit
        final List<Instance> idle = new ArrayList<>(2); // ascending idleSince
        long last = Long.MIN_VALUE;
        Window window;
        int busy;
        int peak;
        boolean live;
        long events;
        long cold;

        Pool(int index, String id, ResourceVector size, double memoryMb, long coldStartMillis, UnitPolicy policy,
             ShadowSizing.Unit sizing) {
            this.index = index;
            this.sizing = sizing;
            this.id = id;
            this.size = size;
            this.memoryMb = memoryMb;
            this.coldStartMillis = coldStartMillis;
            this.policy = policy;
        }

        /** The most recently idle ready instance, else the one ready soonest, else null; removed. */
        Instance takeIdle(long t) {
            int pick = -1;
            for (int i = idle.size() - 1; i >= 0; i--) {
                Instance inst = idle.get(i);
                if (inst.readyAt <= t) {
                    pick = i;
                    break;
                }
                if (pick < 0 || inst.readyAt < idle.get(pick).readyAt) {
                    pick = i;
                }
            }
            return pick < 0 ? null : idle.remove(pick);
        }

        Instance removeIdle(long id) {
            for (int i = 0; i < idle.size(); i++) {
                if (idle.get(i).id == id) {
                    return idle.remove(i);
                }
            }
            return null;
        }
    }

    /** The planner's view of some pools at {@code now}; starting instances are listed among the idle. */
    private final class Snapshot implements PoolSnapshot {
        private final List<Pool> view;
        private final long now;

        Snapshot(List<Pool> view, long now) {
            this.view = view;
            this.now = now;
        }

        @Override public long capacityBytes() { return capacity; }
        @Override public long allocatedBytes() { return allocated; }
        @Override public long lookaheadMillis() { return options.tickMillis(); }
        @Override public int functions() { return view.size(); }
        @Override public String functionId(int f) { return view.get(f).id; }
        @Override public long lastArrivalMillis(int f) { return view.get(f).last; }
        @Override public Window window(int f) { return view.get(f).window; }
        @Override public ResourceVector sandboxSize(int f) { return view.get(f).size; }
        @Override public int busy(int f) { return view.get(f).busy; }
        @Override public int starting(int f) { return 0; }
        @Override public int recentPeak(int f) { return view.get(f).peak; }
        @Override public double retentionValue(int f) { return view.get(f).policy.retentionValue(now); }
        @Override public long coldStartMillis(int f) { return view.get(f).coldStartMillis; }
        @Override public int idle(int f) { return view.get(f).idle.size(); }
        @Override public long idleSandboxId(int f, int i) { return view.get(f).idle.get(i).id; }
        @Override public long idleSinceMillis(int f, int i) { return view.get(f).idle.get(i).idleSince; }
        @Override public double idleValue(int f, int i) {
            Pool p = view.get(f);
            return p.policy.sandboxValue(p.idle.get(i).valueAtUse, now);
        }
    }
}
