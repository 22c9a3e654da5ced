package io.forewarm.engine;

import io.forewarm.sandbox.Sandbox;
import io.forewarm.sandbox.Usage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Watches running sandboxes from one thread: every interval it samples the memory of each running one and keeps
 * the run's peak; when a run ends it reads the sandbox's counters and works out what the run used.
 *
 * <p>Reading a cgroup's counters costs a few file reads (a couple of hundred microseconds), so a run that left
 * its sandbox usable is accounted on this thread, off the request path: the caller gets its answer at once.
 * Runs of one sandbox are accounted in the order they ended (one thread, first in first out) and each starts
 * from the sample its predecessor ended with, so cpu time is never counted twice; under back-to-back load a
 * little of the next run's cpu may be counted to the one before it. A run that broke its sandbox is read at
 * once, before the sandbox is closed.
 */
final class UsageMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UsageMonitor.class);
    private static final Usage UNKNOWN = new Usage(-1, -1, -1, -1, -1, -1, -1);

    /**
     * What one run used; -1 where the backend cannot tell.
     *
     * @param cpuMillis       cpu time of the run
     * @param peakMemoryBytes highest memory seen during the run
     * @param ioReadBytes     block bytes read during the run
     * @param ioWriteBytes    block bytes written during the run
     * @param oomKills        processes the memory limit killed during the run
     */
    record Peaks(long cpuMillis, long peakMemoryBytes, long ioReadBytes, long ioWriteBytes, long oomKills) {

        /** Nothing known. */
        static final Peaks UNKNOWN = new Peaks(-1, -1, -1, -1, -1);
    }

    private final ScheduledExecutorService thread;
    private final Set<Sampling> running = ConcurrentHashMap.newKeySet();

    UsageMonitor(Duration interval) {
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                .name("forewarm-usage").unstarted(r));
        long nanos = interval.toNanos();
        thread.scheduleAtFixedRate(this::sampleAll, nanos, nanos, TimeUnit.NANOSECONDS);
    }

    /** Starts watching a run on {@code slot}'s sandbox. */
    Sampling start(Slot slot) {
        // one small cgroup write (v1) or /proc write (process backend) so the sandbox's peak becomes this run's
        Sampling s = new Sampling(slot, resetPeak(slot.sandbox()));
        running.add(s);
        return s;
    }

    /**
     * Stops watching {@code s} and hands its peaks to {@code then} on the monitor thread; with {@code now} the
     * counters are read before this returns (the sandbox is about to be closed).
     */
    void finish(Sampling s, boolean now, Consumer<Peaks> then) {
        running.remove(s);
        Usage after = now ? read(s.slot.sandbox()) : null;
        thread.execute(() -> {
            try {
                then.accept(s.peaks(after != null ? after : read(s.slot.sandbox())));
            } catch (RuntimeException e) {
                LOG.error("accounting a run of {} failed", s.slot, e);
            }
        });
    }

    /** Waits until every run finished before this call was accounted. */
    void flush() throws InterruptedException {
        try {
            thread.submit(() -> { }).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private void sampleAll() {
        for (Sampling s : running) {
            long m = read(s.slot.sandbox()).memoryBytes();
            s.peakMemory.accumulateAndGet(m, Math::max);
        }
    }

    private static boolean resetPeak(Sandbox sandbox) {
        try {
            return sandbox.resetMemoryPeak();
        } catch (RuntimeException e) {
            return false; // closed under us: the run's outcome says why
        }
    }

    private static Usage read(Sandbox sandbox) {
        try {
            return sandbox.usage();
        } catch (RuntimeException e) {
            return UNKNOWN; // the sandbox died or closed under us: the run's outcome says why
        }
    }

    /** One run being watched. */
    static final class Sampling {
        private final Slot slot;
        private final AtomicLong peakMemory = new AtomicLong(-1);
        /** Whether the sandbox's peak was reset when the run started, so its peak is the run's own. */
        private final boolean peakReset;

        private Sampling(Slot slot, boolean peakReset) {
            this.slot = slot;
            this.peakReset = peakReset;
        }

        /** The run's use: {@code after} against the sample the previous run ended with. */
        private Peaks peaks(Usage after) {
            Usage before = slot.lastUsage();
            if (after.cpuNanos() < 0 && after.memoryBytes() < 0) {
                return Peaks.UNKNOWN;
            }
            slot.lastUsage(after);
            long peak = Math.max(peakMemory.get(), after.memoryBytes());
            // Reset at the start: the peak is the run's. Else, if the sandbox's all-time peak grew during the run,
            // the run reached it between two samples.
            if (peakReset || before != null && after.memoryPeakBytes() > before.memoryPeakBytes()) {
                peak = Math.max(peak, after.memoryPeakBytes());
            }
            long cpuNanos = before == null ? -1 : delta(before.cpuNanos(), after.cpuNanos());
            return new Peaks(cpuNanos < 0 ? -1 : cpuNanos / 1_000_000L, peak < 0 ? -1 : peak,
                    before == null ? -1 : delta(before.ioReadBytes(), after.ioReadBytes()),
                    before == null ? -1 : delta(before.ioWriteBytes(), after.ioWriteBytes()),
                    before == null ? -1 : delta(before.oomKills(), after.oomKills()));
        }
    }

    private static long delta(long before, long after) {
        return before < 0 || after < 0 ? -1 : Math.max(0, after - before);
    }

    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
