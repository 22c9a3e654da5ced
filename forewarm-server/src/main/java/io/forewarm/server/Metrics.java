package io.forewarm.server;

import io.forewarm.core.ExitKind;
import io.forewarm.engine.EngineStatus;
import io.forewarm.engine.InvokeResult;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.function.Supplier;

/**
 * The server's Prometheus metrics, named after the Prometheus conventions (base units, {@code _total} for
 * counters): invocations by start kind, latency histograms in seconds, failures by exit kind, pool gauges read
 * from the engine's status at scrape time, the idle memory the pools kept warm, and model refits.
 */
final class Metrics {

    /** Latency buckets in seconds: sub-millisecond warm paths up to slow cold starts. */
    private static final double[] BUCKETS = {0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
        5, 10, 30};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter invocations;
    private final Counter failures;
    private final Histogram latency;
    private final Histogram init;
    private final Histogram queue;
    private final Map<String, DoubleAdder> idleByteSeconds = new ConcurrentHashMap<>();

    /** Metrics whose gauges read {@code status} at every scrape. */
    Metrics(Supplier<EngineStatus> status) {
        invocations = Counter.builder().name("forewarm_invocations_total")
                .help("Invocations that ran, by whether they found a warm sandbox")
                .labelNames("function", "start").register(registry);
        failures = Counter.builder().name("forewarm_invocation_failures_total")
                .help("Invocations that did not return a result, by how they ended")
                .labelNames("function", "exit").register(registry);
        latency = Histogram.builder().name("forewarm_invocation_duration_seconds").unit(Unit.SECONDS)
                .help("Time from arrival to result inside the engine (queue, init and run)")
                .labelNames("function", "start").classicOnly().classicUpperBounds(BUCKETS).register(registry);
        init = Histogram.builder().name("forewarm_cold_start_duration_seconds").unit(Unit.SECONDS)
                .help("Time spent starting a sandbox for a cold invocation")
                .labelNames("function").classicOnly().classicUpperBounds(BUCKETS).register(registry);
        queue = Histogram.builder().name("forewarm_queue_wait_duration_seconds").unit(Unit.SECONDS)
                .help("Time spent waiting for capacity")
                .labelNames("function").classicOnly().classicUpperBounds(BUCKETS).register(registry);
        GaugeWithCallback.builder().name("forewarm_pool_sandboxes")
                .help("Sandboxes per function by state").labelNames("function", "state")
                .callback(cb -> status.get().functions().forEach(f -> {
                    cb.call(f.warm(), f.name(), "warm");
                    cb.call(f.busy(), f.name(), "busy");
                    cb.call(f.starting(), f.name(), "starting");
                })).register(registry);
        GaugeWithCallback.builder().name("forewarm_running_invocations")
                .help("Invocations running or waiting in a worker's pipeline per function").labelNames("function")
                .callback(cb -> status.get().functions().forEach(f -> cb.call(f.running(), f.name())))
                .register(registry);
        GaugeWithCallback.builder().name("forewarm_pool_queued_requests")
                .help("Requests waiting for capacity per function").labelNames("function")
                .callback(cb -> status.get().functions().forEach(f -> cb.call(f.queued(), f.name())))
                .register(registry);
        GaugeWithCallback.builder().name("forewarm_host_memory_bytes").unit(Unit.BYTES)
                .help("The host memory budget: capacity and allocated to sandboxes").labelNames("kind")
                .callback(cb -> {
                    EngineStatus s = status.get();
                    cb.call(s.capacity().memoryBytes(), "capacity");
                    cb.call(s.allocated().memoryBytes(), "allocated");
                }).register(registry);
        GaugeWithCallback.builder().name("forewarm_host_cpu_cores")
                .help("The host cpu budget in cores: capacity and allocated to sandboxes").labelNames("kind")
                .callback(cb -> {
                    EngineStatus s = status.get();
                    cb.call(s.capacity().cpuCores(), "capacity");
                    cb.call(s.allocated().cpuCores(), "allocated");
                }).register(registry);
        io.prometheus.metrics.core.metrics.CounterWithCallback.builder()
                .name("forewarm_idle_memory_byte_seconds_total")
                .help("Memory held by warm idle sandboxes, integrated over time").labelNames("function")
                .callback(cb -> idleByteSeconds.forEach((f, v) -> cb.call(v.sum(), f))).register(registry);
        io.prometheus.metrics.core.metrics.CounterWithCallback.builder().name("forewarm_model_refits_total")
                .help("Refits of each function's model since it was deployed: periodic (from recorded history on"
                        + " engine.retrain-interval) or drift (by the policy)").labelNames("function", "reason")
                .callback(cb -> status.get().functions().forEach(f -> {
                    cb.call(f.training().periodic(), f.name(), "periodic");
                    cb.call(f.training().drift(), f.name(), "drift");
                })).register(registry);
    }

    /** Counts one invocation that took {@code seconds} end to end inside the server. */
    void record(InvokeResult r, double seconds) {
        if (r.exit() == ExitKind.CAPACITY) {
            failures.labelValues(r.function(), r.exit().label()).inc();
            queue.labelValues(r.function()).observe(r.queueMillis() / 1000.0);
            return;
        }
        String start = r.cold() ? "cold" : "warm";
        invocations.labelValues(r.function(), start).inc();
        latency.labelValues(r.function(), start).observe(seconds);
        if (r.cold()) {
            init.labelValues(r.function()).observe(r.initMillis() / 1000.0);
        }
        if (r.queueMillis() > 0) {
            queue.labelValues(r.function()).observe(r.queueMillis() / 1000.0);
        }
        if (r.exit() != ExitKind.OK) {
            failures.labelValues(r.function(), r.exit().label()).inc();
        }
    }

    /** Adds the idle memory of every pool held over the last {@code seconds} (called by a sampler). */
    void sampleIdle(EngineStatus s, double seconds) {
        for (EngineStatus.FunctionStatus f : s.functions()) {
            double bytes = (double) f.warm() * f.nextLimits().memoryBytes();
            idleByteSeconds.computeIfAbsent(f.name(), k -> new DoubleAdder()).add(bytes * seconds);
        }
    }

    /** Idle memory-seconds (byte-seconds) of {@code function} so far. */
    double idleByteSeconds(String function) {
        DoubleAdder a = idleByteSeconds.get(function);
        return a == null ? 0 : a.sum();
    }

    /** The content type of {@link #write}. */
    String contentType() {
        return writer.getContentType();
    }

    /** Writes every metric in the Prometheus text format. */
    void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }
}
