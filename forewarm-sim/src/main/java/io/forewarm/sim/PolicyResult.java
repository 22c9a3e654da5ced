package io.forewarm.sim;

/**
 * What one policy scored over one trace. The JSON form (snake_case names) is a stable contract read by
 * other tools: fields may be added, never renamed or removed.
 *
 * @param policy               the policy spec as given
 * @param model                {@code paper} or {@code fleet}
 * @param unit                 {@code app} or {@code function}
 * @param units                units with at least one scored event
 * @param events               scored events (paper: active minutes; fleet: invocations)
 * @param coldStarts           scored events that found no warm instance
 * @param coldStartPct         100 * coldStarts / events
 * @param p75UnitColdStartPct  75th percentile over units of each unit's cold-start percentage
 * @param wastedGbMinutes      memory loaded while idle, in GB-minutes
 * @param wastedInstanceMinutes instance-minutes loaded while idle
 * @param wallMs               wall time of this policy's replay (the trace is read once for all policies)
 * @param maxUnitStateBytes    the largest per-unit policy state seen, in bytes
 * @param fleet                the fleet model's extra figures, or null in the paper model
 * @param sizing               the fleet model's right-sizing figures, or null (paper model, or a trace without
 *                             memory distributions)
 */
public record PolicyResult(String policy, String model, String unit, long units, long events, long coldStarts,
                           double coldStartPct, double p75UnitColdStartPct, double wastedGbMinutes,
                           long wastedInstanceMinutes, long wallMs, long maxUnitStateBytes, FleetFigures fleet,
                           SizingFigures sizing) {

    /** A result without sizing figures. */
    public PolicyResult(String policy, String model, String unit, long units, long events, long coldStarts,
                        double coldStartPct, double p75UnitColdStartPct, double wastedGbMinutes,
                        long wastedInstanceMinutes, long wallMs, long maxUnitStateBytes, FleetFigures fleet) {
        this(policy, model, unit, units, events, coldStarts, coldStartPct, p75UnitColdStartPct, wastedGbMinutes,
                wastedInstanceMinutes, wallMs, maxUnitStateBytes, fleet, null);
    }

    /**
     * Figures only the fleet model has.
     *
     * @param capacityGb          the host memory capacity (0: unlimited)
     * @param peakMemoryGb        the most memory loaded at once
     * @param evictions           idle instances evicted to make room
     * @param rejected            invocations that found no memory even after evicting every idle instance
     * @param coldStartDelayMsP50 median cold-start latency added to a cold invocation
     * @param addedLatencySeconds total cold-start latency added over all scored invocations
     */
    public record FleetFigures(double capacityGb, double peakMemoryGb, long evictions, long rejected,
                               double coldStartDelayMsP50, double addedLatencySeconds) {
    }

    /**
     * How the resource recommender's memory limits fit the executions, against static sizes (see {@code
     * ShadowSizing} in the fleet model). Slack is the limit minus the memory used, averaged over the
     * executions within their limit; a limit hit is an execution that used more than its limit.
     *
     * @param executions        scored executions with a memory draw
     * @param limitMbAvg        the recommender's limit, averaged over executions
     * @param slackMbAvg        the recommender's slack
     * @param limitHitPct       100 * executions above the recommender's limit / executions
     * @param staticLimitMbAvg  the static size the model allocates (the trace's average memory)
     * @param staticSlackMbAvg  its slack
     * @param staticLimitHitPct its limit-hit percentage
     * @param maxLimitMbAvg     the static size of the trace's 100th percentile (never hit)
     * @param maxSlackMbAvg     its slack
     */
    public record SizingFigures(long executions, double limitMbAvg, double slackMbAvg, double limitHitPct,
                                double staticLimitMbAvg, double staticSlackMbAvg, double staticLimitHitPct,
                                double maxLimitMbAvg, double maxSlackMbAvg) {
    }
}
