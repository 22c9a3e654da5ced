package io.forewarm.engine;

import io.forewarm.sandbox.Sandbox;
import io.forewarm.sandbox.Usage;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Samples a running sandbox's usage at a fixed interval and keeps the run's peaks. The sample before a run
 * is the one taken when the previous run ended (an idle worker uses next to nothing), so a warm invocation
 * pays for one usage read, not two.
 */
final class UsageMonitor implements AutoCloseable {

    /**
     * What one run used; -1 where the backend cannot tell.
     *
     * @param cpuMillis       cpu time of the run
     * @param peakMemoryBytes highest memory seen during the run
     * @param ioReadBytes     block bytes read during the run
     * @param ioWriteBytes    block bytes written during the run
     * @param oomKills        processes the memory limit killed during the run
     * @param after           the sample taken when the run ended
     */
    record Peaks(long cpuMillis, long peakMemoryBytes, long ioReadBytes, long ioWriteBytes, long oomKills,
                 Usage after) {
    }

    private final ScheduledExecutorService sampler;
    private final long intervalNanos;

    UsageMonitor(Duration interval) {
        this.intervalNanos = interval.toNanos();
        this.sampler = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                .name("forewarm-usage").unstarted(r));
    }

    /** Starts sampling {@code sandbox}, whose last sample is {@code before}. */
    Sampling start(Sandbox sandbox, Usage before) {
        return new Sampling(sandbox, before);
    }

    /** One run being sampled. */
    final class Sampling {
        private final Sandbox sandbox;
        private final Usage before;
        private final ScheduledFuture<?> task;
        private long peakMemory;

        private Sampling(Sandbox sandbox, Usage before) {
            this.sandbox = sandbox;
            this.before = before;
            this.peakMemory = before.memoryBytes();
            this.task = sampler.scheduleAtFixedRate(this::sample, intervalNanos, intervalNanos,
                    TimeUnit.NANOSECONDS);
        }

        private void sample() {
            try {
                long m = sandbox.usage().memoryBytes();
                synchronized (this) {
                    peakMemory = Math.max(peakMemory, m);
                }
            } catch (RuntimeException e) {
                task.cancel(false); // the sandbox died or closed under us: the run's outcome says why
            }
        }

        /** Stops sampling and returns the run's peaks. */
        Peaks stop() {
            task.cancel(false);
            Usage after = safeUsage();
            long peak;
            synchronized (this) {
                peak = Math.max(peakMemory, after.memoryBytes());
            }
            // If the sandbox's all-time peak grew during the run, the run reached it between two samples.
            if (after.memoryPeakBytes() > before.memoryPeakBytes()) {
                peak = Math.max(peak, after.memoryPeakBytes());
            }
            long cpuNanos = delta(before.cpuNanos(), after.cpuNanos());
            return new Peaks(cpuNanos < 0 ? -1 : cpuNanos / 1_000_000L, peak < 0 ? -1 : peak, delta(before.ioReadBytes(), after.ioReadBytes()),
                    delta(before.ioWriteBytes(), after.ioWriteBytes()),
                    delta(before.oomKills(), after.oomKills()), after);
        }

        private Usage safeUsage() {
            try {
                return sandbox.usage();
            } catch (RuntimeException e) {
                return new Usage(-1, -1, -1, -1, -1, -1, -1);
            }
        }
    }

    private static long delta(long before, long after) {
        return before < 0 || after < 0 ? -1 : Math.max(0, after - before);
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
