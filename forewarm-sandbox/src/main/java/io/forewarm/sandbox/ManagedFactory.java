package io.forewarm.sandbox;

import io.forewarm.core.ExitKind;
import io.forewarm.core.FunctionSpec;
import io.forewarm.core.ResourceVector;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Creates sandboxes over a {@link PartitionProvider}, enforces each function's concurrency cap, closes leftovers. */
final class ManagedFactory implements SandboxFactory {

    private final PartitionProvider provider;
    private final SandboxConfig config;
    private final AtomicLong sequence = new AtomicLong();
    private final Set<Sandbox> open = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, Integer> perFunction = new ConcurrentHashMap<>();

    ManagedFactory(PartitionProvider provider, SandboxConfig config) {
        this.provider = provider;
        this.config = config;
    }

    @Override
    public Isolation isolation() {
        return provider.isolation();
    }

    @Override
    public Sandbox create(FunctionSpec spec, ResourceVector limits) {
        long t0 = System.nanoTime();
        String name = spec.name();
        int[] count = new int[1];
        perFunction.compute(name, (k, n) -> {
            count[0] = n == null ? 0 : n;
            return count[0] < spec.maxConcurrency() ? count[0] + 1 : count[0];
        });
        if (count[0] >= spec.maxConcurrency()) {
            throw new SandboxException(ExitKind.CAPACITY, "function '" + name + "' already has "
                    + spec.maxConcurrency() + " sandboxes (maxConcurrency)", null);
        }
        String id = Names.id(ProcessHandle.current().pid(), sequence.incrementAndGet(), name);
        Sandbox[] self = new Sandbox[1];
        Runnable release = () -> {
            perFunction.computeIfPresent(name, (k, n) -> n <= 1 ? null : n - 1);
            if (self[0] != null) {
                open.remove(self[0]);
            }
        };
        Partition partition;
        try {
            partition = provider.open(id, spec, limits);
        } catch (IOException | RuntimeException e) {
            release.run();
            throw new SandboxException(ExitKind.INIT_FAILURE, "function '" + name + "': cannot prepare sandbox "
                    + id + ": " + e.getMessage(), e);
        }
        Sandbox s = spec.kind() == FunctionSpec.Kind.WORKER
                ? WorkerSandbox.start(id, spec, limits, partition, config, release, t0)
                : new CommandSandbox(id, spec, limits, partition, config, release, t0);
        self[0] = s;
        open.add(s);
        return s;
    }

    @Override
    public void close() {
        for (Sandbox s : List.copyOf(open)) {
            s.close();
        }
    }
}
