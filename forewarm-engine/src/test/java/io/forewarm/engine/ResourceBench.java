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
 * sandbox with and without its own network namespace, the statfs pair that measures a scratch, and through one
 * engine a function's measured scratch and network use and the limits its next sandbox gets. Run with
 * {@code forewarm-bench/scripts/test-main.sh forewarm-engine io.forewarm.engine.ResourceBench [reads]}.
 */
public final class ResourceBench {

    private ResourceBench() {
    }

    /** Prints one line per figure. */
    public static void main(String[] args) {
        int reads = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        try (TestRig rig = new TestRig()) {
            System.out.println("backend: " + rig.factory.isolation().backend() + "; notes: "
                    + rig.factory.isolation().notes());
            usageCost("own network namespace", rig.factory, reads);
            try (SandboxFactory hostNet = SandboxFactories.detect(SandboxConfig.defaults()
                    .withPlace(TestRig.PARENT, TestRig.SCRATCH).withNamespaces(true, false))) {
                usageCost("host network namespace", hostNet, reads);
            }
            sizing(rig);
        }
    }

    /** Prints the cost of {@code Sandbox.usage()} and of the statfs pair on its scratch, in ns per call. */
    private static void usageCost(String what, SandboxFactory factory, int reads) {
        try (Sandbox s = factory.create(testFn("usage").limits(new ResourceVector(0.5, 64 * MB, 64 * MB, 0, 0))
                .build())) {
            for (int i = 0; i < reads; i++) { // warm up the JIT
                s.usage();
            }
            long t0 = System.nanoTime();
            long sink = 0;
            for (int i = 0; i < reads; i++) {
                sink += s.usage().scratchBytes();
            }
            long usageNs = (System.nanoTime() - t0) / reads;
            File scratch = TestRig.SCRATCH.resolve(s.id()).toFile();
            t0 = System.nanoTime();
            for (int i = 0; i < reads; i++) {
                sink += scratch.getTotalSpace() - scratch.getFreeSpace();
            }
            long statfsNs = (System.nanoTime() - t0) / reads;
            System.out.printf(Locale.ROOT, "%s: usage() %d ns per read (net bytes %d), of which scratch statfs"
                    + " pair %d ns (%d)%n", what, usageNs, s.usage().netBytes(), statfsNs, sink % 2);
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
