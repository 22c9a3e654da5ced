package io.forewarm.history;

import io.forewarm.core.ExecutionRecord;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Ingest throughput through {@link HistoryStore#append}: one producer appends {@code n} records (default
 * 1,000,000) to a store with default options, then flushes: a DuckDB file, or a fresh schema of the PostgreSQL
 * database {@code -Dhistory.url=jdbc:postgresql://...} names. With a {@code rate} the producer appends that many
 * records per second in bursts every 5 ms, as the engine's usage monitor hands them over under load, and the
 * figure that matters is the cpu per record: the process's, and the writer thread's alone (the process's also
 * counts the JIT, GC and DuckDB's own threads). {@code -Dhistory.memory=true} measures an in-memory DuckDB
 * database, as the server opens it without a history file. Run by hand: {@code java -cp <test classpath>
 * [-Dhistory.url=...|-Dhistory.memory=true] io.forewarm.history.IngestBenchmark [n [batchSize [rate]]]}.
 */
final class IngestBenchmark {

    private IngestBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : HistoryOptions.DEFAULT_BATCH_SIZE;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        int burst = Math.max(1, rate / 200);
        Random rnd = new Random(1);
        ExecutionRecord[] records = new ExecutionRecord[n];
        for (int i = 0; i < n; i++) {
            ExecutionRecord r = Fixtures.random(rnd, 1000, 1);
            // arrivals in order, ~2,000 per second across 1,000 functions
            records[i] = new ExecutionRecord(r.function(), Fixtures.T0.plusNanos(i * 500_000L), r.queueMillis(),
                    r.cold(), r.initMillis(), r.runMillis(), r.cpuMillis(), r.peakMemoryBytes(), r.ioReadBytes(),
                    r.ioWriteBytes(), r.netBytes(), r.exit(), r.limits(), r.limitRaised());
        }
        Path dir = Files.createTempDirectory("forewarm-ingest");
        Backend.Place place = Backend.forBenchmark(dir);
        boolean memory = Boolean.getBoolean("history.memory");
        System.out.println("store: " + (memory ? "DuckDB in memory" : place.describe()));
        try (HistoryStore store = place.open((memory ? place.fresh() : place.durable()).withBatchSize(batch))) {
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean();
            long cpuStart = os.getProcessCpuTime();
            var threads = java.lang.management.ManagementFactory.getThreadMXBean();
            long writerId = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("history-writer")).findFirst().orElseThrow().threadId();
            long writerStart = threads.getThreadCpuTime(writerId);
            long producerStart = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                if (rate > 0 && i % burst == 0) {
                    long due = start + (long) (i / (double) rate * 1e9);
                    java.util.concurrent.locks.LockSupport.parkNanos(due - System.nanoTime());
                }
                store.append(records[i]);
            }
            long appended = System.nanoTime();
            long producerCpu = threads.getCurrentThreadCpuTime() - producerStart;
            store.flush();
            long flushed = System.nanoTime();
            long cpu = os.getProcessCpuTime() - cpuStart;
            long writerCpu = threads.getThreadCpuTime(writerId) - writerStart;
            long total = 0;
            for (String fn : store.functions()) {
                total += Arrays.stream(store.arrivalsPerMinute(fn, Fixtures.T0, 60)).sum();
            }
            System.out.printf((rate > 0 ? "paced at " + rate + "/s, " : "") + "appended %,d records: append() calls %.0f ms, until flushed %.0f ms -> %,.0f rows/s"
                            + "; process cpu %.0f ms (%,.0f rows per cpu-second), of which the appending thread"
                            + " %.0f ms (%.2f us per append); writer thread cpu %.0f ms (%.2f us per record);"
                            + " rolled-up arrivals %,d%n", n,
                    (appended - start) / 1e6, (flushed - start) / 1e6, n / ((flushed - start) / 1e9), cpu / 1e6,
                    n / (cpu / 1e9), producerCpu / 1e6, producerCpu / 1e3 / n, writerCpu / 1e6, writerCpu / 1e3 / n,
                    total);
            if (total != n) {
                throw new IllegalStateException("rollups count " + total + " arrivals, expected " + n);
            }
        } finally {
            place.close();
            try (var files = Files.list(dir)) {
                files.forEach(p -> p.toFile().delete());
            }
            Files.delete(dir);
        }
    }
}
