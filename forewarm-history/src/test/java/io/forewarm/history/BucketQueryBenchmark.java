package io.forewarm.history;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;

/**
 * Latency of the 14-day per-minute bucket query ({@link HistoryView#arrivalsPerMinute}, 20,160 buckets) for
 * one function among 1,000. The rollups are bulk-loaded minute by minute, the order live ingestion leaves
 * them in, and measured twice: all hot, then after the retention pass has sealed the past days. The store is
 * a DuckDB file, or a fresh schema of the PostgreSQL database {@code -Dhistory.url=jdbc:postgresql://...} names.
 * Run by hand: {@code java -cp <test classpath> [-Dhistory.url=...] io.forewarm.history.BucketQueryBenchmark}.
 */
final class BucketQueryBenchmark {

    private static final int FUNCTIONS = 1000;
    private static final int MINUTES = 14 * 1440;
    private static final Instant START = Instant.parse("2026-03-01T00:00:00Z");

    private BucketQueryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("forewarm-buckets");
        Backend.Place place = Backend.forBenchmark(dir);
        System.out.println("store: " + place.describe());
        try {
            place.open(place.durable()).close(); // creates the tables
            long t = System.nanoTime();
            populate(place);
            System.out.printf("bulk-loaded %,d rollup rows in %.1f s%n", (long) FUNCTIONS * MINUTES,
                    (System.nanoTime() - t) / 1e9);
            try (HistoryStore store = place.open(place.durable()
                    .withRetention(RetentionPolicy.KEEP_ALL, Duration.ZERO, java.time.InstantSource.system()))) {
                measure("hot (keyed table, minute order)", store);
                Instant now = START.plus(Duration.ofDays(14)).plus(Duration.ofHours(2));
                long sealed = 0;
                long longest = 0;
                int passes = 0;
                t = System.nanoTime();
                for (long n = 1; n > 0; passes++) {
                    long pass = System.nanoTime();
                    n = store.applyRetention(now).rollupsSealed();
                    sealed += n;
                    longest = Math.max(longest, System.nanoTime() - pass);
                }
                System.out.printf("sealed %,d rollup rows in %d retention passes, %.1f s in all, longest pass %.1f s%n",
                        sealed, passes, (System.nanoTime() - t) / 1e9, longest / 1e9);
                measure("sealed (function order)", store);
            }
        } finally {
            place.close();
            try (var files = Files.list(dir)) {
                files.forEach(p -> p.toFile().delete());
            }
            Files.delete(dir);
        }
    }

    private static void populate(Backend.Place place) throws SQLException {
        long first = START.getEpochSecond() / 60;
        boolean duck = place.backend() == Backend.DUCKDB;
        String functions = duck ? "range(" + FUNCTIONS + ") t(i)" : "generate_series(0, " + (FUNCTIONS - 1) + ") t(i)";
        long rows = (long) FUNCTIONS * MINUTES;
        String minutes = duck ? "range(" + rows + ") t(m)" : "generate_series(0::bigint, " + (rows - 1) + ") t(m)";
        place.execute("INSERT INTO functions SELECT i, 'fn-' || i FROM " + functions);
        place.execute("INSERT INTO rollups SELECT m % " + FUNCTIONS + ", " + first + " + m " + (duck ? "//" : "/") + " "
                + FUNCTIONS + ", 1 + m % 7, m % 2, 100, 80, 1 << 26, 40, 0 FROM " + minutes);
    }

    private static void measure(String label, HistoryView view) {
        Random rnd = new Random(3);
        int warmup = 20;
        int runs = 200;
        long[] nanos = new long[runs];
        long checksum = 0;
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean();
        long cpu = 0;
        for (int i = 0; i < warmup + runs; i++) {
            if (i == warmup) {
                cpu = os.getProcessCpuTime(); // the process does nothing else, so this is the queries' cpu
            }
            String fn = "fn-" + rnd.nextInt(FUNCTIONS);
            long t = System.nanoTime();
            long[] buckets = view.arrivalsPerMinute(fn, START, MINUTES);
            long elapsed = System.nanoTime() - t;
            if (i >= warmup) {
                nanos[i - warmup] = elapsed;
            }
            checksum += Arrays.stream(buckets).sum();
            if (Arrays.stream(buckets).anyMatch(b -> b == 0)) {
                throw new IllegalStateException("missing buckets for " + fn);
            }
        }
        cpu = os.getProcessCpuTime() - cpu;
        Arrays.sort(nanos);
        System.out.printf("%s: 14-day bucket query of 1 of %d functions over %d runs: p50 %.2f ms, p90 %.2f ms,"
                        + " max %.2f ms; process cpu %.2f ms per query (checksum %d)%n", label, FUNCTIONS, runs,
                nanos[runs / 2] / 1e6, nanos[runs * 9 / 10] / 1e6, nanos[runs - 1] / 1e6, cpu / 1e6 / runs, checksum);
    }
}
