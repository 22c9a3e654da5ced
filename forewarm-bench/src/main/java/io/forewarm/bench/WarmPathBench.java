package io.forewarm.bench;

import io.forewarm.core.ExitKind;
import io.forewarm.core.FunctionSpec;
import io.forewarm.engine.EngineConfig;
import io.forewarm.engine.InvokeResult;
import io.forewarm.engine.Orchestrator;
import io.forewarm.examples.Echo;
import io.forewarm.examples.Launchers;
import io.forewarm.sandbox.Invocation;
import io.forewarm.sandbox.Sandbox;
import io.forewarm.sandbox.SandboxConfig;
import io.forewarm.sandbox.SandboxFactories;
import io.forewarm.sandbox.SandboxFactory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * Warm invocations of the Java echo worker below the HTTP layer, to see what the sandbox round trip and the engine
 * cost by themselves: {@code threads} virtual threads (as the HTTP server's handlers are; platform threads with
 * {@code platform}) in closed loops, either each on its own sandbox ({@code sandbox}) or all through one
 * {@link Orchestrator} ({@code engine}).
 *
 * <p>Besides throughput it prints the cpu time spent per call, by this JVM and by the workers (their cgroups'
 * {@code cpuacct.usage}, cgroup v1 backend only): on a host shared with other work that figure moves much less than
 * the throughput does.
 *
 * <p>With a {@code depth} above 1 the echo worker is pipelined: threads / depth sandboxes, each holding {@code depth}
 * invocations at once.
 *
 * <p>Usage: {@code WarmPathBench [sandbox|engine] [threads=32] [warmupSeconds=3] [measureSeconds=10] [virtual|platform]
 * [depth=1]}.
 */
public final class WarmPathBench {

    private WarmPathBench() {
    }

    /** Runs the chosen level and prints throughput and latency percentiles. */
    public static void main(String[] args) throws Exception {
        String level = args.length > 0 ? args[0] : "sandbox";
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int measure = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        Thread.Builder kind = args.length > 4 && args[4].equals("platform") ? Thread.ofPlatform() : Thread.ofVirtual();
        int depth = args.length > 5 ? Integer.parseInt(args[5]) : 1;
        int sandboxes = Math.ceilDiv(threads, depth);
        byte[] payload = new byte[64];
        Arrays.fill(payload, (byte) 'x');
        FunctionSpec spec = Launchers.java("echo", Echo.class).maxConcurrency(sandboxes).pipelineDepth(depth).build();
        try (SandboxFactory factory = SandboxFactories.detect(SandboxConfig.defaults()
                .withPlace("forewarm-bench", Path.of("/var/tmp/forewarm-bench-scratch")))) {
            System.out.printf("WarmPathBench %s: %d %s threads on %d sandboxes (depth %d), backend %s, %d cpus%n",
                    level, threads, kind instanceof Thread.Builder.OfVirtual ? "virtual" : "platform", sandboxes,
                    depth, factory.isolation().backend(), Runtime.getRuntime().availableProcessors());
            Call call;
            AutoCloseable owner;
            if (level.equals("sandbox")) {
                List<Sandbox> boxes = new ArrayList<>();
                for (int i = 0; i < sandboxes; i++) {
                    boxes.add(factory.create(spec));
                }
                call = i -> {
                    Invocation r = boxes.get(i % sandboxes).invoke(payload);
                    return r.exit() == ExitKind.OK && r.output().length == payload.length;
                };
                owner = () -> boxes.forEach(Sandbox::close);
            } else if (level.equals("engine")) {
                LongAdder records = new LongAdder();
                Orchestrator engine = new Orchestrator(factory, r -> records.increment(), EngineConfig.defaults()
                        .withQueue(256, Duration.ofSeconds(60)), InstantSource.system()).start();
                engine.register(spec, "fixed:60");
                call = i -> {
                    InvokeResult r = engine.invoke("echo", payload);
                    return r.exit() == ExitKind.OK && r.output().length == payload.length;
                };
                owner = engine;
            } else {
                throw new IllegalArgumentException("level must be sandbox or engine but was '" + level + "'");
            }
            try (owner) {
                run(kind, call, threads, warmup, measure);
            }
        }
    }

    /** One call of thread {@code i}; true when it succeeded. */
    private interface Call {
        boolean call(int i);
    }

    private static void run(Thread.Builder kind, Call call, int threads, int warmup, int measure)
            throws InterruptedException {
        long from = System.nanoTime() + warmup * 1_000_000_000L;
        long until = from + measure * 1_000_000_000L;
        long[][] lat = new long[threads][];
        int[] counts = new int[threads];
        LongAdder errors = new LongAdder();
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int i = t;
            all.add(kind.start(() -> {
                long[] mine = new long[1 << 16];
                int n = 0;
                long now;
                while ((now = System.nanoTime()) < until) {
                    boolean ok = call.call(i);
                    long end = System.nanoTime();
                    if (now >= from) {
                        if (!ok) {
                            errors.increment();
                        } else {
                            if (n == mine.length) {
                                mine = Arrays.copyOf(mine, n * 2);
                            }
                            mine[n++] = end - now;
                        }
                    }
                }
                lat[i] = mine;
                counts[i] = n;
            }));
        }
        Thread.sleep(Math.max(0, (from - System.nanoTime()) / 1_000_000));
        long jvm0 = jvmCpuNanos();
        long workers0 = workersCpuNanos();
        for (Thread t : all) {
            t.join();
        }
        int total = Arrays.stream(counts).sum();
        long jvmCpu = jvmCpuNanos() - jvm0;
        long workerCpu = workersCpuNanos() - workers0;
        long[] merged = new long[total];
        int at = 0;
        for (int t = 0; t < threads; t++) {
            System.arraycopy(lat[t], 0, merged, at, counts[t]);
            at += counts[t];
        }
        Arrays.sort(merged);
        System.out.printf(Locale.ROOT, "%10.0f calls/s  p50 %7.3f ms  p99 %7.3f ms  (%d calls, %d errors)%n",
                total / (double) measure, pct(merged, 0.5), pct(merged, 0.99), total, errors.sum());
        // the cpu counters cover the measured window only roughly (they start when the warm-up ends)
        System.out.printf(Locale.ROOT, "cpu per call: this JVM %.1f us, workers %.1f us%n", jvmCpu / 1e3 / total,
                workerCpu < 0 ? Double.NaN : workerCpu / 1e3 / total);
    }

    private static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Cpu time of every sandbox under the bench's cgroup parent, or -1 when not on cgroup v1. */
    private static long workersCpuNanos() {
        try {
            return Long.parseLong(Files.readString(Path.of("/sys/fs/cgroup/cpuacct/forewarm-bench/cpuacct.usage"))
                    .trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private static double pct(long[] sorted, double q) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }
}
