package io.forewarm.examples;

import io.forewarm.core.FunctionSpec;
import io.forewarm.core.ResourceVector;
import io.forewarm.sandbox.Invocation;
import io.forewarm.sandbox.Sandbox;
import io.forewarm.sandbox.SandboxConfig;
import io.forewarm.sandbox.SandboxFactories;
import io.forewarm.sandbox.SandboxFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Measures what warming buys: cold start (create to READY) of the echo and slow-init workers, and the warm
 * invocation round trip of the echo worker (p50/p99). Usage: {@code SandboxBench <python3> <forewarm_runtime.py>
 * <echo.py> [calls] [backend]}.
 */
public final class SandboxBench {

    private SandboxBench() {
    }

    /** Runs the benchmark and prints one line per measurement. */
    public static void main(String[] args) {
        if (args.length < 3) {
            System.err.println("usage: SandboxBench <python3> <forewarm_runtime.py> <echo.py> [calls] [backend]");
            System.exit(2);
        }
        int calls = args.length > 3 ? Integer.parseInt(args[3]) : 5000;
        SandboxConfig config = SandboxConfig.defaults().withPlace("forewarm-bench", Path.of("/var/tmp/forewarm-bench"));
        if (args.length > 4) {
            config = config.withBackend(SandboxConfig.Backend.valueOf(args[4].toUpperCase(Locale.ROOT)));
        }
        try (SandboxFactory factory = SandboxFactories.detect(config)) {
            System.out.println("backend: " + factory.isolation().backend() + " (" + factory.isolation().reason() + ")");
            ResourceVector limits = ResourceVector.of(1, 256L << 20);
            FunctionSpec javaEcho = Launchers.java("echo-java", Echo.class).limits(limits).pidsLimit(128).build();
            FunctionSpec slow = Launchers.java("slow-init", SlowInit.class).limits(limits).pidsLimit(128).build();
            FunctionSpec pyEcho = Launchers.python("echo-python", args[0], Path.of(args[1]), Path.of(args[2]))
                    .limits(limits).build();
            for (FunctionSpec spec : new FunctionSpec[] {pyEcho, javaEcho, slow}) {
                cold(factory, spec, 5);
            }
            warm(factory, pyEcho, calls);
            warm(factory, javaEcho, calls);
        }
    }

    private static void cold(SandboxFactory factory, FunctionSpec spec, int times) {
        long[] micros = new long[times];
        for (int i = 0; i < times; i++) {
            try (Sandbox s = factory.create(spec)) {
                micros[i] = s.startup().toNanos() / 1000;
            }
        }
        Arrays.sort(micros);
        System.out.printf(Locale.ROOT, "cold start %-12s median %7.1f ms  min %7.1f ms  max %7.1f ms  (n=%d)%n",
                spec.name(), micros[times / 2] / 1e3, micros[0] / 1e3, micros[times - 1] / 1e3, times);
    }

    private static void warm(SandboxFactory factory, FunctionSpec spec, int calls) {
        byte[] payload = new byte[64];
        try (Sandbox s = factory.create(spec)) {
            for (int i = 0; i < Math.min(1000, calls); i++) {
                s.invoke(payload);
            }
            long[] nanos = new long[calls];
            for (int i = 0; i < calls; i++) {
                long t0 = System.nanoTime();
                Invocation r = s.invoke(payload);
                nanos[i] = System.nanoTime() - t0;
                if (!r.ok()) {
                    throw new IllegalStateException("invocation " + i + " failed: " + r);
                }
            }
            Arrays.sort(nanos);
            System.out.printf(Locale.ROOT, "warm round trip %-12s p50 %6.1f us  p99 %7.1f us  max %8.1f us (n=%d)%n",
                    spec.name(), nanos[calls / 2] / 1e3, nanos[(int) (calls * 0.99)] / 1e3, nanos[calls - 1] / 1e3,
                    calls);
        }
    }
}
