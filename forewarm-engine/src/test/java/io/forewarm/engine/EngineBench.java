package io.forewarm.engine;

import io.forewarm.core.FunctionSpec;
import io.forewarm.core.ResourceVector;
import io.forewarm.sandbox.Invocation;
import io.forewarm.sandbox.Sandbox;
import io.forewarm.sandbox.SandboxConfig;
import io.forewarm.sandbox.SandboxFactories;
import io.forewarm.sandbox.SandboxFactory;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Latency and throughput of the in-process engine on real sandboxes: cold and warm invocation latency (p50,
 * p99) of the example echo worker (Python) and slow-init JVM worker, warm invocations per second from two
 * threads, the engine's overhead over the bare worker round trip, and the JVM worker's warm/cold ratio.
 * Run with {@code forewarm-engine/bench.sh [warmCalls] [coldStarts]}.
 */
public final class EngineBench {

    private EngineBench() {
    }

    /** Runs every measurement and prints one line per figure. */
    public static void main(String[] args) throws Exception {
        int warmCalls = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        int coldStarts = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        LongAdder records = new LongAdder();
        try (SandboxFactory factory = SandboxFactories.detect(SandboxConfig.defaults()
                .withPlace("forewarm-bench", java.nio.file.Path.of("/var/tmp/forewarm-bench-scratch")))) {
            System.out.println("backend: " + factory.isolation().backend() + " (" + factory.isolation().reason()
                    + "), cores: " + Runtime.getRuntime().availableProcessors());
            EngineConfig config = TestRig.config().withQueue(64, Duration.ofSeconds(60));
            try (Orchestrator engine = new Orchestrator(factory, r -> records.increment(), config,
                    InstantSource.system())) {
                FunctionSpec echo = TestRig.echo("echo").maxConcurrency(2).build();
                FunctionSpec jvm = TestRig.slowInitJvm("slow-init").initPayload(new byte[] {3}).build();
                double[] echoFig = measure(engine, factory, echo, TestRig.bytes("ping"), warmCalls, coldStarts);
                double[] jvmFig = measure(engine, factory, jvm, TestRig.bytes("k42"), warmCalls, coldStarts);
                System.out.printf(Locale.ROOT, "slow-init JVM warm p50 vs cold p50: %.0fx faster%n",
                        jvmFig[0] / jvmFig[1]);
                System.out.printf(Locale.ROOT, "warm overhead over the bare round trip (p50): echo %.1f us,"
                        + " slow-init %.1f us%n", echoFig[2], jvmFig[2]);
                throughput(engine, "echo", 5);
            }
        }
        System.out.println("records handed to history: " + records.sum());
    }

    /** Prints cold, warm and bare latency of {@code spec}; returns {cold p50 us, warm p50 us, overhead us}. */
    private static double[] measure(Orchestrator engine, SandboxFactory factory, FunctionSpec spec, byte[] payload,
                                    int warmCalls, int coldStarts) {
        engine.register(spec, "none"); // every sandbox released at the next tick: a cold start on demand
        long[] cold = new long[coldStarts];
        long[] init = new long[coldStarts];
        for (int i = 0; i < coldStarts; i++) {
            long t0 = System.nanoTime();
            InvokeResult r = engine.invoke(spec.name(), payload);
            cold[i] = System.nanoTime() - t0;
            init[i] = r.initMillis();
            require(r, true);
            engine.tick(java.time.Instant.now().plusSeconds(1));
        }
        require(engine.invoke(spec.name(), payload), true);
        long[] warm = timeWarm(engine, spec.name(), payload, warmCalls);
        engine.unregister(spec.name());

        long[] bare = new long[warmCalls];
        try (Sandbox s = factory.create(spec)) {
            for (int i = 0; i < warmCalls / 10; i++) {
                s.invoke(payload); // the same warm-up the engine got
            }
            for (int i = 0; i < warmCalls; i++) {
                long t0 = System.nanoTime();
                Invocation inv = s.invoke(payload);
                bare[i] = System.nanoTime() - t0;
                if (!inv.ok()) {
                    throw new IllegalStateException("bare invoke failed: " + inv);
                }
            }
        }
        double coldP50 = pct(cold, 50) / 1e3;
        double warmP50 = pct(warm, 50) / 1e3;
        double bareP50 = pct(bare, 50) / 1e3;
        System.out.printf(Locale.ROOT, "%-10s cold  p50 %9.1f ms  p99 %9.1f ms  (init p50 %d ms, n=%d)%n",
                spec.name(), coldP50 / 1e3, pct(cold, 99) / 1e6, pct(init, 50), coldStarts);
        System.out.printf(Locale.ROOT, "%-10s warm  p50 %9.1f us  p99 %9.1f us  (n=%d)%n", spec.name(), warmP50,
                pct(warm, 99) / 1e3, warmCalls);
        System.out.printf(Locale.ROOT, "%-10s bare  p50 %9.1f us  p99 %9.1f us  (Sandbox.invoke directly)%n",
                spec.name(), bareP50, pct(bare, 99) / 1e3);
        return new double[] {coldP50, warmP50, warmP50 - bareP50};
    }

    private static long[] timeWarm(Orchestrator engine, String fn, byte[] payload, int calls) {
        for (int i = 0; i < calls / 10; i++) {
            require(engine.invoke(fn, payload), false); // let the JIT settle before timing
        }
        long[] t = new long[calls];
        for (int i = 0; i < calls; i++) {
            long t0 = System.nanoTime();
            InvokeResult r = engine.invoke(fn, payload);
            t[i] = System.nanoTime() - t0;
            require(r, false);
        }
        return t;
    }

    /** Two callers invoking the warm echo worker as fast as they can for {@code seconds}. */
    private static void throughput(Orchestrator engine, String fn, int seconds) throws InterruptedException {
        // One core per sandbox, two sandboxes: the whole 2-core host.
        engine.register(TestRig.echo(fn).maxConcurrency(2).limits(ResourceVector.of(1, 64 * TestRig.MB)).build(),
                "fixed:10");
        engine.invoke(fn, TestRig.bytes("warm"));
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        CountDownLatch finished = new CountDownLatch(2);
        for (int t = 0; t < 2; t++) {
            Thread.ofPlatform().start(() -> {
                while (System.nanoTime() < end) {
                    if (engine.invoke(fn, TestRig.bytes("x")).ok()) {
                        done.incrementAndGet();
                    }
                }
                finished.countDown();
            });
        }
        finished.await();
        System.out.printf(Locale.ROOT, "echo warm throughput, 2 callers: %.0f invocations/s%n",
                done.get() / (double) seconds);
        engine.unregister(fn);
    }

    private static void require(InvokeResult r, boolean cold) {
        if (!r.ok() || r.cold() != cold) {
            throw new IllegalStateException("expected an OK " + (cold ? "cold" : "warm") + " call but got " + r);
        }
    }

    private static long pct(long[] values, int p) {
        long[] s = values.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)];
    }
}
