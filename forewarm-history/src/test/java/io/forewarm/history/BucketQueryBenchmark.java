package io.forewarm.history;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;

/**
 * Latency of the 14-day per-minute bucket query ({@link HistoryView#arrivalsPerMinute}, 20,160 buckets) for
 * one function among 1,000. The rollups are bulk-loaded minute by minute, the order live ingestion leaves
 * them in, and measured twice: all hot, then after the retention pass has sealed the past days. Run by hand:
 * {@code java -cp <test classpath> io.forewarm.history.BucketQueryBenchmark}.
 */
final class BucketQueryBenchmark {

    private static final int FUNCTIONS = 1000;
    private static final int MINUTES = 14 * 1440;
    private static final Instant START = Instant.parse("2026-03-01T00:00:00Z");

    private BucketQueryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("forewarm-buckets");
        Path file = dir.resolve("buckets.duckdb");
        try {
            DuckDbHistoryStore.open(HistoryOptions.file(file)).close(); // creates the schema
            long t = System.nanoTime();
            populate(file);
            System.out.printf("bulk-loaded %,d rollup rows in %.1f s%n", (long) FUNCTIONS * MINUTES,
                    (System.nanoTime() - t) / 1e9);
            try (DuckDbHistoryStore store = DuckDbHistoryStore.open(HistoryOptions.file(file)
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
            try (var files = Files.list(dir)) {
                files.forEach(p -> p.toFile().delete());
            }
            Files.delete(dir);
        }
    }

    private static void populate(Path file) throws SQLException {
        long first = START.getEpochSecond() / 60;
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file); Statement s = c.createStatement()) {
            s.execute("INSERT INTO functions SELECT i, 'fn-' || i FROM range(" + FUNCTIONS + ") t(i)");
            s.execute("INSERT INTO rollups SELECT m % " + FUNCTIONS + ", " + first + " + m // " + FUNCTIONS
                    + ", 1 + m % 7, m % 2, 100, 80, 1 << 26, 40, 0 FROM range(" + (long) FUNCTIONS * MINUTES + ") t(m)");
        }
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
