package io.forewarm.bench;

import io.forewarm.core.ResourceVector;
import io.forewarm.core.Window;
import io.forewarm.predict.Policies;
import io.forewarm.predict.UnitProfile;
import io.forewarm.predict.plan.Plan;
import io.forewarm.predict.plan.Planner;
import io.forewarm.predict.plan.PoolSnapshot;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Times one {@link Planner#plan} tick over a realistic 50,000-function snapshot laid out in arrays, as a
 * housekeeper or the fleet simulator exposes it: 60% of functions idle inside a keep-alive window, 20%
 * with nothing loaded and their window closed, 10% with an idle sandbox whose window just ended, 5% in a
 * pre-warm window about to open with a recent peak of 4, 5% busy. Host memory is full, so the pre-warms
 * need more than the expired sandboxes free and must evict lower-value idle ones.
 * Run: {@code java -cp ... io.forewarm.bench.PlannerTickBench [functions] [ticks]}.
 */
public final class PlannerTickBench {

    private PlannerTickBench() {
    }

    /** Builds the snapshot, warms up, times ticks and prints ms per tick and per-function state bytes. */
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int ticks = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        ArraySnapshot snapshot = ArraySnapshot.realistic(n, 20 * 60_000L, new SplittableRandom(1));
        long now = 20 * 60_000L;
        for (boolean keeps : new boolean[] {false, true}) {
            Planner planner = new Planner(keeps);
            Plan plan = null;
            for (int i = 0; i < 50; i++) {
                plan = planner.plan(snapshot, now);
            }
            double[] ms = new double[ticks];
            for (int i = 0; i < ticks; i++) {
                long t0 = System.nanoTime();
                plan = planner.plan(snapshot, now);
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(ms);
            System.out.printf("planner(keeps=%s) over %,d functions: p50 %.2f ms, p90 %.2f ms, max %.2f ms per tick;"
                            + " %d releases, %d prewarms, %d keeps%n", keeps, n, ms[ticks / 2], ms[ticks * 9 / 10],
                    ms[ticks - 1], plan.releases().size(), plan.prewarms().size(), plan.keeps().size());
        }
        System.out.printf("snapshot layout: %d bytes per function in arrays (plus the shared id string)%n", ArraySnapshot.BYTES_PER_FUNCTION);
        for (String spec : new String[] {"fixed:10", "oracle", "greedy-dual"}) {
            long bytes = Policies.create(spec).newUnit(new UnitProfile("f", 256, 500, t -> Long.MAX_VALUE))
                    .stateBytes();
            System.out.printf("policy %s: %d state bytes per unit%n", spec, bytes);
        }
    }

    /** A pool in parallel arrays, one idle sandbox at most per function (the common case). */
    static final class ArraySnapshot implements PoolSnapshot {
        /** Array slots per function: last, value, idleSince (8 each), busy, peak, idle, id and window refs (4). */
        static final int BYTES_PER_FUNCTION = 3 * 8 + 5 * 4;
        private final String[] ids;
        private final long[] last;
        private final Window[] windows;
        private final int[] busy;
        private final int[] peak;
        private final int[] idle;
        private final double[] value;
        private final long[] idleSince;
        private final ResourceVector size = ResourceVector.of(0.25, 256L << 20);
        private final long capacity;
        private final long allocated;

        private ArraySnapshot(int n, long capacity, long allocated) {
            ids = new String[n];
            last = new long[n];
            windows = new Window[n];
            busy = new int[n];
            peak = new int[n];
            idle = new int[n];
            value = new double[n];
            idleSince = new long[n];
            this.capacity = capacity;
            this.allocated = allocated;
        }

        static ArraySnapshot realistic(int n, long now, SplittableRandom rnd) {
            int[] kinds = new int[n];
            long loaded = 0;
            for (int f = 0; f < n; f++) {
                int r = rnd.nextInt(100);
                kinds[f] = r < 60 ? 0 : r < 80 ? 1 : r < 90 ? 2 : r < 95 ? 3 : 4;
                loaded += kinds[f] == 0 || kinds[f] == 2 || kinds[f] == 4 ? 1 : 0;
            }
            long mem = 256L << 20;
            ArraySnapshot s = new ArraySnapshot(n, loaded * mem, loaded * mem); // full host
            Window keep = Window.keepAliveMinutes(10);
            for (int f = 0; f < n; f++) {
                s.ids[f] = "fn-" + f;
                s.value[f] = rnd.nextDouble();
                s.peak[f] = 1;
                switch (kinds[f]) {
                    case 0 -> { s.last[f] = now - rnd.nextLong(9 * 60_000L); s.windows[f] = keep; s.idle[f] = 1; }
                    case 1 -> { s.last[f] = now - 15 * 60_000L; s.windows[f] = keep; }
                    case 2 -> { s.last[f] = now - 11 * 60_000L; s.windows[f] = keep; s.idle[f] = 1; }
                    case 3 -> { s.last[f] = now - 5 * 60_000L; s.windows[f] = Window.ofMinutes(5, 2);
                        s.peak[f] = 4; }
                    default -> { s.last[f] = now - 1_000; s.windows[f] = keep; s.busy[f] = 1; }
                }
                s.idleSince[f] = s.last[f] + 500;
            }
            return s;
        }

        @Override public long capacityBytes() { return capacity; }
        @Override public long allocatedBytes() { return allocated; }
        @Override public long lookaheadMillis() { return 10_000; }
        @Override public int functions() { return ids.length; }
        @Override public String functionId(int f) { return ids[f]; }
        @Override public long lastArrivalMillis(int f) { return last[f]; }
        @Override public Window window(int f) { return windows[f]; }
        @Override public ResourceVector sandboxSize(int f) { return size; }
        @Override public int busy(int f) { return busy[f]; }
        @Override public int starting(int f) { return 0; }
        @Override public int recentPeak(int f) { return peak[f]; }
        @Override public double retentionValue(int f) { return value[f]; }
        @Override public long coldStartMillis(int f) { return 500; }
        @Override public int idle(int f) { return idle[f]; }
        @Override public long idleSandboxId(int f, int i) { return f; }
        @Override public long idleSinceMillis(int f, int i) { return idleSince[f]; }
    }
}
