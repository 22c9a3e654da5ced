package io.forewarm.sim.trace;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Generates a synthetic multi-day trace in the Azure 2019 layout, with the arrival shapes Shahrad et al.
 * ("Serverless in the Wild", USENIX ATC 2020) describe: most applications have one function, a few have
 * many; functions are timers, diurnal or weekly Poisson load, bursts, rare calls, call chains inside an
 * application, or drift from one of these to another (see {@link Pattern}).
 *
 * <p>It writes into a directory: {@code invocations.csv} with minute columns {@code 0 .. 1440 * days - 1}
 * (minute 0 is midnight of day 0, a Monday), {@code durations.csv}, {@code memory.csv} (one row per
 * function) and {@code patterns.csv} ({@code HashOwner,HashApp,HashFunction,pattern,params}: what each
 * function was given; readers ignore it). The output is a pure function of the options: the same seed
 * gives the same bytes. Rows are written as they are drawn, holding one application at a time.
 */
public final class TraceGenerator {

    private static final double[] APP_SIZE_CUMULATIVE = {0.70, 0.82, 0.89, 0.97, 1.0};
    private static final int[][] APP_SIZE_RANGE = {{1, 1}, {2, 2}, {3, 3}, {4, 8}, {9, 20}};
    // Cron-like periods, weighted towards the usual 5, 15 and 60 minutes.
    private static final int[] TIMER_PERIODS = {1, 5, 5, 5, 10, 15, 15, 30, 60, 60, 1440, 1440};
    private static final double CHAIN_SHARE = 0.4;
    private static final double SHARED_OWNER = 0.15;

    private TraceGenerator() {
    }

    /**
     * What to generate.
     *
     * @param functions number of functions, at least 1
     * @param days      number of days, 1 to 366
     * @param seed      the random seed
     */
    public record Options(int functions, int days, long seed) {
        /** Checks the ranges, naming the option and the value. */
        public Options {
            if (functions < 1) {
                throw new IllegalArgumentException("functions must be at least 1, got " + functions);
            }
            if (days < 1 || days > 366) {
                throw new IllegalArgumentException("days must be between 1 and 366, got " + days);
            }
        }

        /** The horizon in minutes. */
        public int minutes() {
            return days * Pattern.DAY;
        }
    }

    /**
     * What was generated.
     *
     * @param dir         the output directory
     * @param functions   functions written
     * @param apps        applications written
     * @param minutes     minutes in the horizon
     * @param invocations total invocations
     * @param patterns    functions per pattern kind
     */
    public record Summary(Path dir, int functions, int apps, int minutes, long invocations,
                          Map<String, Integer> patterns) {
        /** A one-line description for the command line. */
        public String line() {
            return String.format(Locale.ROOT, "generated %d functions in %d apps, %d minutes (%d days), %d invocations"
                    + " into %s; patterns %s", functions, apps, minutes, minutes / Pattern.DAY, invocations, dir,
                    patterns);
        }
    }

    /** Generates the trace described by {@code options} into directory {@code dir} (created if needed). */
    public static Summary generate(Options options, Path dir) throws IOException {
        Files.createDirectories(dir);
        int minutes = options.minutes();
        SplittableRandom structure = new SplittableRandom(options.seed());
        Map<String, Integer> patterns = new TreeMap<>();
        List<String> owners = new ArrayList<>();
        int[] leader = new int[minutes];
        int[] follower = new int[minutes];
        long invocations = 0;
        int made = 0;
        int apps = 0;
        try (CountsWriter inv = new CountsWriter(Files.newOutputStream(dir.resolve("invocations.csv")));
             BufferedWriter dur = Files.newBufferedWriter(dir.resolve("durations.csv"));
             BufferedWriter mem = Files.newBufferedWriter(dir.resolve("memory.csv"));
             BufferedWriter pat = Files.newBufferedWriter(dir.resolve("patterns.csv"))) {
            inv.text("HashOwner,HashApp,HashFunction,Trigger");
            for (int m = 0; m < minutes; m++) {
                inv.text(",");
                inv.number(m);
            }
            inv.text("\n");
            dur.write("HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,percentile_Average_0,"
                    + "percentile_Average_1,percentile_Average_25,percentile_Average_50,percentile_Average_75,"
                    + "percentile_Average_99,percentile_Average_100\n");
            mem.write("HashFunction,HashOwner,HashApp,SampleCount,AverageAllocatedMb,AverageAllocatedMb_pct1,"
                    + "AverageAllocatedMb_pct5,AverageAllocatedMb_pct25,AverageAllocatedMb_pct50,"
                    + "AverageAllocatedMb_pct75,AverageAllocatedMb_pct95,AverageAllocatedMb_pct99,"
                    + "AverageAllocatedMb_pct100\n");
            pat.write("HashOwner,HashApp,HashFunction,pattern,params\n");
            while (made < options.functions()) {
                int size = Math.min(appSize(structure), options.functions() - made);
                String owner;
                if (!owners.isEmpty() && structure.nextDouble() < SHARED_OWNER) {
                    owner = owners.get(structure.nextInt(owners.size()));
                } else {
                    owner = hash(structure);
                    owners.add(owner);
                    if (owners.size() > 100) {
                        owners.removeFirst(); // owners with several apps tend to create them close together
                    }
                }
                String app = hash(structure);
                SplittableRandom rnd = structure.split();
                String leaderHash = null;
                for (int i = 0; i < size; i++) {
                    String function = hash(rnd);
                    Pattern p = i > 0 && rnd.nextDouble() < CHAIN_SHARE
                            ? new Pattern.Chain(leaderHash, rnd.nextInt(3)) : draw(rnd, options.days());
                    int[] counts = i == 0 ? leader : follower;
                    Arrays.fill(counts, 0);
                    Arrivals.fill(p, counts, 0, minutes, leader, rnd);
                    if (i == 0) {
                        leaderHash = function;
                    }
                    long total = inv.row(owner + ',' + app + ',' + function + ',' + trigger(p), counts);
                    invocations += total;
                    String id = owner + ',' + app + ',' + function;
                    dur.write(id + ',' + durations(rnd, total) + '\n');
                    mem.write(function + ',' + owner + ',' + app + ',' + memory(rnd) + '\n');
                    pat.write(id + ',' + p.kind() + ',' + p.params() + '\n');
                    patterns.merge(p.kind(), 1, Integer::sum);
                }
                made += size;
                apps++;
            }
        }
        return new Summary(dir, made, apps, minutes, invocations, Collections.unmodifiableMap(patterns));
    }

    /** Draws a function's own (non-chain) pattern; drift needs a second day to change on. */
    static Pattern draw(SplittableRandom rnd, int days) {
        double u = rnd.nextDouble();
        if (u < 0.08 && days > 1) {
            Pattern before = drawSimple(rnd);
            Pattern after = drawSimple(rnd);
            while (after.kind().equals(before.kind())) {
                after = drawSimple(rnd);
            }
            return new Pattern.Drift(before, after, 1 + rnd.nextInt(days - 1));
        }
        return drawSimple(rnd);
    }

    private static Pattern drawSimple(SplittableRandom rnd) {
        double u = rnd.nextDouble();
        if (u < 0.32) {
            int period = TIMER_PERIODS[rnd.nextInt(TIMER_PERIODS.length)];
            // Daily jobs run on the hour; shorter timers start anywhere in their period.
            int phase = period == Pattern.DAY ? 60 * rnd.nextInt(24) : rnd.nextInt(period);
            int perTick = rnd.nextDouble() < 0.85 ? 1 : 2 + rnd.nextInt(4);
            return new Pattern.Timer(period, phase, perTick, rnd.nextDouble() * 0.02);
        }
        if (u < 0.72) {
            double weekend = u < 0.56 ? 1 : 0.05 + 0.35 * rnd.nextDouble();
            return new Pattern.Diurnal(logUniform(rnd, 0.002, 20), 0.3 + 0.65 * rnd.nextDouble(),
                    540 + rnd.nextInt(600), weekend);
        }
        if (u < 0.85) {
            return new Pattern.Bursty(5 + 55 * rnd.nextDouble(), 60 + 1380 * rnd.nextDouble(),
                    logUniform(rnd, 0.5, 20));
        }
        return new Pattern.Rare(0.3 + 5.7 * rnd.nextDouble());
    }

    private static String trigger(Pattern p) {
        return switch (p) {
            case Pattern.Timer t -> "timer";
            case Pattern.Diurnal d -> "http";
            case Pattern.Bursty b -> "queue";
            case Pattern.Rare r -> "event";
            case Pattern.Chain c -> "orchestration";
            case Pattern.Drift d -> trigger(d.before());
        };
    }

    private static int appSize(SplittableRandom rnd) {
        double u = rnd.nextDouble();
        int i = 0;
        while (u >= APP_SIZE_CUMULATIVE[i]) {
            i++;
        }
        int[] range = APP_SIZE_RANGE[i];
        return range[0] + rnd.nextInt(range[1] - range[0] + 1);
    }

    /** Lognormal execution times (median around 300 ms, wide spread), as whole milliseconds. */
    private static String durations(SplittableRandom rnd, long count) {
        double median = Math.exp(Math.log(300) + 1.5 * rnd.nextGaussian());
        double spread = 0.2 + 0.8 * rnd.nextDouble();
        double[] z = {-3, -2.33, -0.674, 0, 0.674, 2.33, 3.5};
        long[] p = new long[z.length];
        for (int i = 0; i < z.length; i++) {
            p[i] = Math.round(median * Math.exp(spread * z[i]));
        }
        long average = Math.round(median * Math.exp(spread * spread / 2));
        return average + "," + count + "," + p[0] + ".0," + p[6] + ".0," + p[0] + ',' + p[1] + ',' + p[2] + ','
                + p[3] + ',' + p[4] + ',' + p[5] + ',' + p[6];
    }

    /** Lognormal memory around 150 MB, clamped to 16 MB .. 4 GB, with a narrow per-sample spread. */
    private static String memory(SplittableRandom rnd) {
        double mb = Math.clamp(Math.exp(Math.log(150) + 0.7 * rnd.nextGaussian()), 16, 4096);
        StringBuilder sb = new StringBuilder().append(100 + rnd.nextInt(20_000)).append(',').append(Math.round(mb));
        for (double f : new double[] {0.85, 0.9, 0.95, 1.0, 1.04, 1.1, 1.15, 1.3}) {
            sb.append(',').append(Math.round(mb * f));
        }
        return sb.toString();
    }

    private static double logUniform(SplittableRandom rnd, double lo, double hi) {
        return Math.exp(Math.log(lo) + rnd.nextDouble() * (Math.log(hi) - Math.log(lo)));
    }

    /** A 64-hex-digit id shaped like the dataset's SHA-256 hashes. */
    private static String hash(SplittableRandom rnd) {
        StringBuilder sb = new StringBuilder(64);
        for (int i = 0; i < 4; i++) {
            String h = Long.toHexString(rnd.nextLong());
            sb.repeat('0', 16 - h.length()).append(h);
        }
        return sb.toString();
    }

    /** Writes invocation rows byte by byte: a 14-day row is 20,160 cells, mostly {@code 0,}. */
    private static final class CountsWriter implements AutoCloseable {
        private final OutputStream out;
        private final byte[] buf = new byte[1 << 20];
        private int n;

        CountsWriter(OutputStream out) {
            this.out = out;
        }

        void text(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.US_ASCII);
            for (byte x : b) {
                put(x);
            }
        }

        void number(long v) throws IOException {
            if (v >= 10) {
                number(v / 10);
            }
            put((byte) ('0' + v % 10));
        }

        /** Writes {@code key} and the counts as one row; returns the row's total. */
        long row(String key, int[] counts) throws IOException {
            text(key);
            long total = 0;
            for (int c : counts) {
                if (n + 2 > buf.length) {
                    flush();
                }
                buf[n++] = ',';
                if (c == 0) {
                    buf[n++] = '0';
                } else {
                    number(c);
                    total += c;
                }
            }
            put((byte) '\n');
            return total;
        }

        private void put(byte b) throws IOException {
            if (n == buf.length) {
                flush();
            }
            buf[n++] = b;
        }

        private void flush() throws IOException {
            out.write(buf, 0, n);
            n = 0;
        }

        @Override
        public void close() throws IOException {
            flush();
            out.close();
        }
    }
}
