package io.forewarm.engine;

import io.forewarm.core.ExecutionRecord;
import io.forewarm.core.ResourceVector;
import io.forewarm.predict.resources.ResourceRecommender;
import io.forewarm.sandbox.Sandbox;
import io.forewarm.sandbox.SandboxConfig;
import io.forewarm.sandbox.SandboxFactories;
import io.forewarm.sandbox.SandboxFactory;

import java.io.File;
import java.time.InstantSource;
import java.util.Locale;

import static io.forewarm.engine.TestRig.MB;
import static io.forewarm.engine.TestRig.bytes;
import static io.forewarm.engine.TestRig.testFn;
import static io.forewarm.engine.TestRig.text;

/**
 * What measuring scratch disk and network costs, and what right-sizing makes of them, on real sandboxes
 * (docs/benchmarks.md "Resources"): the cost of one usage read (what the usage monitor does after a run) of a
 * sandbox with and without its own network namespace, the statfs that measures a scratch, and through one
 * engine a function's measured scratch and network use and the limits its next sandbox gets. Run with
 * {@code forewarm-bench/scripts/test-main.sh forewarm-engine io.forewarm.engine.ResourceBench [reads]}.
 */
public final class ResourceBench {

    private ResourceBench() {
    }

    /** Prints one line per figure. */
    public static void main(String[] args) {
        int reads = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        try (TestRig rig = new TestRig()) {
            System.out.println("backend: " + rig.factory.isolation().backend() + "; notes: "
                    + rig.factory.isolation().notes());
            try (SandboxFactory hostNet = SandboxFactories.detect(SandboxConfig.defaults()
                    .withPlace(TestRig.PARENT, TestRig.SCRATCH).withNamespaces(true, false))) {
                usageCost(rig.factory, hostNet, reads);
            }
            sizing(rig);
        }
    }

    /**
     * Prints the cost of {@code Sandbox.usage()} on a sandbox with and one without its own network namespace, and
     * of the statfs on a scratch, in ns per call: the best of five interleaved rounds, since other builds
     * share this host.
     */
    private static void usageCost(SandboxFactory own, SandboxFactory host, int reads) {
        ResourceVector limits = new ResourceVector(0.5, 64 * MB, 64 * MB, 0, 0);
        try (Sandbox a = own.create(testFn("usage-own").limits(limits).build());
             Sandbox b = host.create(testFn("usage-host").limits(limits).build())) {
            File scratch = TestRig.SCRATCH.resolve(a.id()).toFile();
            long[] best = {Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE};
            long sink = 0;
            for (int round = 0; round < 6; round++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < reads; i++) {
                    sink += a.usage().netBytes();
                }
                long t1 = System.nanoTime();
                for (int i = 0; i < reads; i++) {
                    sink += b.usage().netBytes();
                }
                long t2 = System.nanoTime();
                for (int i = 0; i < reads; i++) {
                    sink += scratch.getFreeSpace();
                }
                long t3 = System.nanoTime();
                if (round > 0) { // the first round warms up the JIT
                    best[0] = Math.min(best[0], (t1 - t0) / reads);
                    best[1] = Math.min(best[1], (t2 - t1) / reads);
                    best[2] = Math.min(best[2], (t3 - t2) / reads);
                }
            }
            System.out.printf(Locale.ROOT, "usage() per read: %d ns with its own network namespace (net bytes %d),"
                    + " %d ns without (net bytes %d); scratch's statfs alone %d ns (%d)%n", best[0],
                    a.usage().netBytes(), best[1], b.usage().netBytes(), best[2], sink % 2);
        }
    }

    /** Runs three functions through one engine sized from every run and prints what it measured and chose. */
    private static void sizing(TestRig rig) {
        EngineConfig config = TestRig.config().withSizing(ResourceRecommender.Config.DEFAULT.withSampling(0, 3));
        try (Orchestrator engine = rig.engine(config, InstantSource.system())) {
            engine.register(testFn("disk").limits(new ResourceVector(0.5, 128 * MB, 64 * MB, 0, 0))
                    .minLimits(new ResourceVector(0.5, 128 * MB, MB, 0, 0)).build());
            engine.register(testFn("full").limits(new ResourceVector(0.5, 64 * MB, 8 * MB, 0, 0))
                    .maxLimits(new ResourceVector(0.5, 64 * MB, 32 * MB, 0, 0)).build());
            engine.register(testFn("net").limits(new ResourceVector(0.5, 64 * MB, 0, 0, 1024 * MB))
                    .minLimits(new ResourceVector(0.5, 64 * MB, 0, 0, MB)).build());
            for (int i = 0; i < 3; i++) {
                engine.invoke("disk", bytes("scratch:20"));
                engine.invoke("net", bytes("loop:2000000"));
            }
            String full = text(engine.invoke("full", bytes("scratch:16")).output());
            engine.flushRecords();
            System.out.printf(Locale.ROOT, "disk: 3 runs keeping 20 MiB in scratch (limit 64 MiB) -> next disk %.2f"
                    + " MiB%n", engine.status().function("disk").nextLimits().diskBytes() / (double) MB);
            System.out.printf(Locale.ROOT, "full: 1 run writing 16 MiB into 8 MiB ('%s') -> next disk %.2f MiB%n",
                    full, engine.status().function("full").nextLimits().diskBytes() / (double) MB);
            for (ExecutionRecord r : rig.recordsOf(engine, "net")) {
                System.out.printf(Locale.ROOT, "net: run of %d ms, %d bytes over lo (%.1f MB/s)%n", r.runMillis(),
                        r.netBytes(), r.netBytes() / 1e3 / r.runMillis());
            }
            System.out.printf(Locale.ROOT, "net: next bandwidth %.1f MB/s%n",
                    engine.status().function("net").nextLimits().netBytesPerSecond() / 1e6);
        }
    }
}
