package io.forewarm.sim.trace;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Not a test: a timing run for the generator and the Azure 2019 reader at full scale (50,000 functions,
 * 14 days, about 2 GB). Run with {@code java -cp target/classes:target/test-classes
 * io.forewarm.sim.trace.TraceReadBenchmark [dir] [functions] [days]}; it deletes nothing, so remove the
 * directory afterwards.
 */
public final class TraceReadBenchmark {

    // CPU time next to wall time: the build machine is shared, so wall time alone says little.
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private TraceReadBenchmark() {
    }

    /** Generates the trace (unless already there) and times two full reads. */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/forewarm-bench-trace");
        int functions = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
        int days = args.length > 2 ? Integer.parseInt(args[2]) : 14;
        if (!Files.exists(dir.resolve("patterns.csv"))) {
            long t0 = System.nanoTime();
            TraceGenerator.Summary s = TraceGenerator.generate(new TraceGenerator.Options(functions, days, 1), dir);
            System.out.printf("generate: %.1f s; %s%n", (System.nanoTime() - t0) / 1e9, s.line());
        }
        long bytes = Files.size(dir.resolve("invocations.csv"));
        System.out.printf("invocations.csv: %.2f GB%n", bytes / 1e9);
        for (int run = 1; run <= 2; run++) {
            long t0 = System.nanoTime();
            long cpu0 = THREADS.getCurrentThreadCpuTime();
            Trace trace = TraceFormats.open("azure2019", dir);
            AtomicLong rows = new AtomicLong();
            AtomicLong calls = new AtomicLong();
            trace.forEach(f -> {
                rows.incrementAndGet();
                calls.addAndGet(f.invocations());
            });
            double s = (System.nanoTime() - t0) / 1e9;
            double cpu = (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e9;
            System.out.printf("read %d: %.1f s wall, %.1f s cpu, %d rows (%.0f rows/s), %d invocations, %.0f MB/s, heap used %d MB%n",
                    run, s, cpu, rows.get(), rows.get() / s, calls.get(), bytes / 1e6 / s,
                    (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
        }
    }
}
