package io.forewarm.engine;

import io.forewarm.core.ResourceVector;
import io.forewarm.predict.resources.ResourceRecommender;

import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * How the engine runs.
 *
 * @param capacity         the host budget sandboxes are admitted against (cpu cores and memory bytes)
 * @param unlimitedMemory  the memory a sandbox without a memory limit counts for in the budget
 * @param queueCapacity    how many requests may wait for capacity at a time
 * @param queueDeadline    how long a request waits before it fails with CAPACITY
 * @param tick             the housekeeper's period
 * @param sampleInterval   how often a running sandbox's usage is sampled
 * @param defaultPolicy    the policy spec of functions registered without one
 * @param limitRule        when a function's limits are raised
 * @param recordBuffer     execution records held for the history writer before new ones are dropped
 * @param retrainInterval  how often every function's model is refitted from its recorded history (zero: never)
 * @param retrainLookback  how much recorded history a refit replays
 * @param sizing           how a sizable function's recorded usage becomes its next sandbox's limits
 */
public record EngineConfig(ResourceVector capacity, long unlimitedMemory, int queueCapacity, Duration queueDeadline,
                           Duration tick, Duration sampleInterval, String defaultPolicy, LimitRule limitRule,
                           int recordBuffer, Duration retrainInterval, Duration retrainLookback,
                           ResourceRecommender.Config sizing) {

    /** Validates every field, naming the bad one. */
    public EngineConfig {
        if (capacity == null || capacity.cpuCores() <= 0 || capacity.memoryBytes() <= 0) {
            throw new IllegalArgumentException("engine capacity needs cpu > 0 and memory > 0 but was " + capacity);
        }
        if (unlimitedMemory <= 0) {
            throw new IllegalArgumentException("engine unlimitedMemory must be > 0 but was " + unlimitedMemory);
        }
        if (queueCapacity < 0) {
            throw new IllegalArgumentException("engine queueCapacity must be >= 0 but was " + queueCapacity);
        }
        requirePositive("queueDeadline", queueDeadline);
        requirePositive("tick", tick);
        requirePositive("sampleInterval", sampleInterval);
        if (defaultPolicy == null || defaultPolicy.isBlank()) {
            throw new IllegalArgumentException("engine defaultPolicy must be a policy spec but was '"
                    + defaultPolicy + "'");
        }
        if (limitRule == null) {
            throw new IllegalArgumentException("engine limitRule is required");
        }
        if (recordBuffer < 1) {
            throw new IllegalArgumentException("engine recordBuffer must be >= 1 but was " + recordBuffer);
        }
        if (retrainInterval == null || retrainInterval.isNegative()) {
            throw new IllegalArgumentException("engine retrainInterval must be >= 0 (0: never) but was "
                    + retrainInterval);
        }
        if (retrainLookback == null || retrainLookback.toMinutes() < 1 || retrainLookback.toDays() > 366) {
            throw new IllegalArgumentException("engine retrainLookback must be 1 minute to 366 days but was "
                    + retrainLookback);
        }
        if (sizing == null) {
            throw new IllegalArgumentException("engine sizing is required");
        }
    }

    /**
     * The machine's cores and physical memory, 256 MB for unlimited sandboxes, 64 waiting requests for at most
     * 10 s, a 1 s tick, 100 ms sampling, the default limit rule and the default policy of {@link EnginePolicies},
     * models refitted every 6 hours from the last 14 days of history, and the recommender's defaults.
     */
    public static EngineConfig defaults() {
        return new EngineConfig(machine(), 256L << 20, 64, Duration.ofSeconds(10), Duration.ofSeconds(1),
                Duration.ofMillis(100), EnginePolicies.defaultSpec(), LimitRule.DEFAULT, 100_000,
                Duration.ofHours(6), Duration.ofDays(14), ResourceRecommender.Config.DEFAULT);
    }

    /** The cores and physical memory of this machine. */
    public static ResourceVector machine() {
        long memory = ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getTotalMemorySize()
                : Runtime.getRuntime().maxMemory();
        return ResourceVector.of(Runtime.getRuntime().availableProcessors(), memory);
    }

    /** This config with another host budget. */
    public EngineConfig withCapacity(ResourceVector v) {
        return new EngineConfig(v, unlimitedMemory, queueCapacity, queueDeadline, tick, sampleInterval,
                defaultPolicy, limitRule, recordBuffer, retrainInterval, retrainLookback, sizing);
    }

    /** This config with another queue bound and deadline. */
    public EngineConfig withQueue(int capacityOfQueue, Duration deadline) {
        return new EngineConfig(capacity, unlimitedMemory, capacityOfQueue, deadline, tick, sampleInterval,
                defaultPolicy, limitRule, recordBuffer, retrainInterval, retrainLookback, sizing);
    }

    /** This config with another housekeeper tick and usage sampling interval. */
    public EngineConfig withTiming(Duration tickPeriod, Duration sampling) {
        return new EngineConfig(capacity, unlimitedMemory, queueCapacity, queueDeadline, tickPeriod, sampling,
                defaultPolicy, limitRule, recordBuffer, retrainInterval, retrainLookback, sizing);
    }

    /** This config with another default policy spec. */
    public EngineConfig withDefaultPolicy(String spec) {
        return new EngineConfig(capacity, unlimitedMemory, queueCapacity, queueDeadline, tick, sampleInterval,
                spec, limitRule, recordBuffer, retrainInterval, retrainLookback, sizing);
    }

    /** This config with another limit rule. */
    public EngineConfig withLimitRule(LimitRule rule) {
        return new EngineConfig(capacity, unlimitedMemory, queueCapacity, queueDeadline, tick, sampleInterval,
                defaultPolicy, rule, recordBuffer, retrainInterval, retrainLookback, sizing);
    }

    /** This config with models refitted every {@code interval} (zero: never) from the last {@code lookback}. */
    public EngineConfig withRetraining(Duration interval, Duration lookback) {
        return new EngineConfig(capacity, unlimitedMemory, queueCapacity, queueDeadline, tick, sampleInterval,
                defaultPolicy, limitRule, recordBuffer, interval, lookback, sizing);
    }

    /** This config with another recommender for sizable functions. */
    public EngineConfig withSizing(ResourceRecommender.Config c) {
        return new EngineConfig(capacity, unlimitedMemory, queueCapacity, queueDeadline, tick, sampleInterval,
                defaultPolicy, limitRule, recordBuffer, retrainInterval, retrainLookback, c);
    }

    /** The budget a sandbox with {@code limits} takes: its cpu quota and its memory limit (or the default). */
    ResourceVector accounted(ResourceVector limits) {
        return ResourceVector.of(limits.cpuCores(), limits.memoryBytes() > 0 ? limits.memoryBytes() : unlimitedMemory);
    }

    private static void requirePositive(String key, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("engine " + key + " must be a positive duration but was " + d);
        }
    }
}
