package io.forewarm.engine;

import io.forewarm.sandbox.Sandbox;
import io.forewarm.sandbox.Usage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Watches running sandboxes from one thread: every interval it samples the memory and scratch space of each
 * running one and keeps the run's peaks; when a run ends it reads the sandbox's counters and works out what the
 * run used.
 *
 * <p>Reading a cgroup's counters costs a few file reads, so a run that left its sandbox usable is accounted on this
 * thread, off the request path: the caller gets its answer at once, and queues the run without waking this thread,
 * which takes what ended every {@link #DRAIN_MILLIS} ms (a wake-up per run cost more than the accounting). Runs of
 * one sandbox are accounted in the order they ended (one thread, first in first out) and each starts from the sample
 * its predecessor ended with, so cpu time is never counted twice. Each run starts by resetting the sandbox's memory
 * peak, taking the peak it ends: that is the peak of the run before, handed over. So when the next run on the sandbox
 * has already started by the time a run's turn comes (back-to-back load, this thread behind), the run waits and
 * shares the read taken after that next run: the group's cpu and io are split evenly, while each run's memory peak
 * stays its own. The busier the host, the fewer reads; a run followed by a pause is read alone. A run that broke its
 * sandbox is read at once, before the sandbox is closed. Runs that overlap on one sandbox (a pipelined worker's) fall
 * in one group the same way; one that joins runs under way does not reset the peak, so they share it.
 */
final class UsageMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UsageMonitor.class);
    private static final Usage UNKNOWN = new Usage(-1, -1, -1, -1, -1, -1, -1, -1, -1);

    /**
     * What one run used; -1 where the backend cannot tell.
     *
     * @param cpuMillis       cpu time of the run
     * @param peakMemoryBytes highest memory seen during the run
     * @param ioReadBytes     block bytes read during the run
     * @param ioWriteBytes    block bytes written during the run
     * @param oomKills        processes the memory limit killed during the run
     * @param scratchBytes    the most scratch space seen in use during the run (the sandbox's, files left by
     *                        earlier runs included: that is what the scratch's size must hold)
     * @param netBytes        network bytes received and sent during the run
     */
    record Peaks(long cpuMillis, long peakMemoryBytes, long ioReadBytes, long ioWriteBytes, long oomKills,
                 long scratchBytes, long netBytes) {

        /** Nothing known. */
        static final Peaks UNKNOWN = new Peaks(-1, -1, -1, -1, -1, -1, -1);
    }

    private final ScheduledExecutorService thread;
    private final Set<Sampling> running = ConcurrentHashMap.newKeySet();
    /** Ended runs waiting to share the read after their successor on the same slot; this thread only. */
    private final Map<Slot, List<Ended>> waiting = new HashMap<>();

    /** How often the monitor thread accounts the runs that ended meanwhile. */
    static final long DRAIN_MILLIS = 5;

    /** A run that ended, with what to do with its peaks. */
    private record Ended(Sampling sampling, Consumer<Peaks> then) {
    }

    /** A run that ended and the sample read at once if its sandbox was about to close, else null. */
    private record Finished(Ended ended, Usage after) {
    }

    /** Runs ended and not yet taken by the monitor thread, in the order they ended. */
    private final Queue<Finished> finished = new ConcurrentLinkedQueue<>();

    UsageMonitor(Duration interval) {
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                .name("forewarm-usage").unstarted(r));
        long nanos = interval.toNanos();
        thread.scheduleAtFixedRate(this::sampleAll, nanos, nanos, TimeUnit.NANOSECONDS);
        thread.scheduleWithFixedDelay(this::drain, DRAIN_MILLIS, DRAIN_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts watching a run on {@code slot}'s sandbox; {@code shared} when it joins runs already holding the sandbox
     * (a pipelined worker), whose memory peak it then shares: resetting it would cut theirs short.
     */
    Sampling start(Slot slot, boolean shared) {
        // one small cgroup write (v1) or /proc write (process backend) so the sandbox's peak becomes this run's
        long handedOver = shared ? -1 : takePeak(slot.sandbox());
        Sampling s = new Sampling(slot, slot.runStarted(), handedOver);
        running.add(s);
        return s;
    }

    /**
     * Stops watching {@code s} and hands its peaks to {@code then} on the monitor thread; with {@code now} the
     * counters are read before this returns (the sandbox is about to be closed).
     */
    void finish(Sampling s, boolean now, Consumer<Peaks> then) {
        running.remove(s);
        finished.add(new Finished(new Ended(s, then), now ? read(s.slot.sandbox()) : null));
    }

    /** On the monitor thread: accounts every run that ended so far, in order. */
    private void drain() {
        Finished f;
        while ((f = finished.poll()) != null) {
            try {
                account(f.ended, f.after);
            } catch (RuntimeException e) {
                LOG.error("accounting a run of {} failed", f.ended.sampling.slot, e);
            }
        }
    }

    /**
     * On the monitor thread: reads after {@code e} (unless another run on its sandbox is under way) and accounts its
     * group. Runs of a pipelined sandbox may end out of the order they started in; a group is accounted once every
     * run started on the sandbox has ended.
     */
    private void account(Ended e, Usage after) {
        Slot slot = e.sampling.slot;
        List<Ended> group = waiting.computeIfAbsent(slot, k -> new ArrayList<>(1));
        group.add(e);
        long ended = slot.runEnded();
        Usage sample = after;
        if (sample == null) {
            if (slot.runsStarted() > ended) {
                return; // another run is under way: a read now would mix it in; share the one after it
            }
            sample = read(slot.sandbox());
            if (slot.runsStarted() > ended) {
                return; // a run started during the read and may have reset the peak: its hand-over has it
            }
        }
        waiting.remove(slot);
        group.sort(Comparator.comparingLong(g -> g.sampling.run));
        List<Peaks> peaks = Sampling.peaks(group, sample);
        for (int i = 0; i < group.size(); i++) {
            group.get(i).then.accept(peaks.get(i));
        }
    }

    /** Waits until every run finished before this call was accounted. */
    void flush() throws InterruptedException {
        try {
            thread.submit(this::drain).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private void sampleAll() {
        for (Sampling s : running) {
            Usage u = read(s.slot.sandbox());
            s.peakMemory.accumulateAndGet(u.memoryBytes(), Math::max);
            s.peakScratch.accumulateAndGet(u.scratchBytes(), Math::max);
        }
    }

    private static long takePeak(Sandbox sandbox) {
        try {
            return sandbox.takeMemoryPeak();
        } catch (RuntimeException e) {
            return -1; // closed under us: the run's outcome says why
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
        /** Its number among the slot's runs. */
        private final long run;
        private final AtomicLong peakMemory = new AtomicLong(-1);
        private final AtomicLong peakScratch = new AtomicLong(-1);
        /**
         * The sandbox's peak that the reset at this run's start ended (the previous run's), or -1 when the backend
         * cannot reset: then the sandbox's peak is the one since creation.
         */
        private final long handedOver;

        private Sampling(Slot slot, long run, long handedOver) {
            this.slot = slot;
            this.run = run;
            this.handedOver = handedOver;
        }

        /**
         * The use of a group of consecutive runs of one slot (usually one run), oldest first: {@code after} against
         * the sample the run before the group ended with, cpu, io and network split evenly; each run's memory peak is
         * the one its successor took over at its start, the last one's is read from {@code after}. The scratch has
         * no peak to reset (its files outlive a run): each run's is the most its samples or {@code after} saw.
         */
        private static List<Peaks> peaks(List<Ended> group, Usage after) {
            Sampling last = group.getLast().sampling;
            Usage before = last.slot.lastUsage();
            if (after.cpuNanos() < 0 && after.memoryBytes() < 0) {
                return group.stream().map(e -> Peaks.UNKNOWN).toList();
            }
            last.slot.lastUsage(after);
            int n = group.size();
            long cpuNanos = before == null ? -1 : delta(before.cpuNanos(), after.cpuNanos());
            long read = before == null ? -1 : delta(before.ioReadBytes(), after.ioReadBytes());
            long written = before == null ? -1 : delta(before.ioWriteBytes(), after.ioWriteBytes());
            long net = before == null ? -1 : delta(before.netBytes(), after.netBytes());
            long cpuMillis = cpuNanos < 0 ? -1 : cpuNanos / n / 1_000_000L;
            long lastPeak = Math.max(last.peakMemory.get(), after.memoryBytes());
            // Reset at the last run's start: the peak since is its own. Else, if the sandbox's all-time peak grew
            // during the group, a run of it reached that peak between two samples.
            if (last.handedOver >= 0 || before != null && after.memoryPeakBytes() > before.memoryPeakBytes()) {
                lastPeak = Math.max(lastPeak, after.memoryPeakBytes());
            }
            List<Peaks> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Sampling s = group.get(i).sampling;
                long peak = i == n - 1 ? lastPeak : Math.max(s.peakMemory.get(),
                        group.get(i + 1).sampling.handedOver >= 0 ? group.get(i + 1).sampling.handedOver : lastPeak);
                // the group's OOM kills go to its last run: a run the memory limit killed ends its sandbox's group
                long oom = i < n - 1 ? 0 : before == null ? -1 : delta(before.oomKills(), after.oomKills());
                out.add(new Peaks(cpuMillis, peak < 0 ? -1 : peak, read < 0 ? -1 : read / n,
                        written < 0 ? -1 : written / n, oom, Math.max(s.peakScratch.get(), after.scratchBytes()),
                        net < 0 ? -1 : net / n));
            }
            return out;
        }
    }

    private static long delta(long before, long after) {
        return before < 0 || after < 0 ? -1 : Math.max(0, after - before);
    }

    @Override
    public void close() {
        thread.execute(this::drain); // the periodic drain stops at shutdown: account what ended before it
        thread.shutdown();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
