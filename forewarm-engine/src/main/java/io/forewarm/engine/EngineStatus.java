package io.forewarm.engine;

import io.forewarm.core.ResourceVector;
import io.forewarm.core.Window;

import java.util.List;

/**
 * A point-in-time view of the engine for the API and the dashboard.
 *
 * @param functions        every registered function, by name
 * @param capacity         the host budget
 * @param allocated        what sandboxes take of it
 * @param free             what is left
 * @param queued           requests waiting for capacity
 * @param isolationBackend the sandbox backend ({@code linux-cgroup-v1}, {@code process}, ...)
 * @param isolated         whether sandboxes get cgroup limits
 * @param isolationReason  why that backend was chosen
 * @param droppedRecords   execution records dropped because history did not keep up
 */
public record EngineStatus(List<FunctionStatus> functions, ResourceVector capacity, ResourceVector allocated,
                           ResourceVector free, int queued, String isolationBackend, boolean isolated,
                           String isolationReason, long droppedRecords) {

    /** Copies the list. */
    public EngineStatus {
        functions = List.copyOf(functions);
    }

    /**
     * One function's pool.
     *
     * @param name              the function
     * @param policy            its policy spec
     * @param warm              idle, ready sandboxes
     * @param busy              sandboxes running an invocation
     * @param starting          sandboxes being started
     * @param queued            its requests waiting for capacity
     * @param running           its invocations running now or waiting in a worker's pipeline (several per busy
     *                          sandbox when it pipelines)
     * @param nextLimits        the limits its next sandbox gets
     * @param limitRaised       whether those are above its own
     * @param window            the window its policy returned at the last arrival, or later for a scheduled
     *                          signal (null: none yet)
     * @param lastArrivalMillis its last arrival ({@link Long#MIN_VALUE}: none yet)
     * @param coldStartMillis   its last measured cold start
     * @param windowBaseMillis  when the window was set: the time it is measured from ({@link Long#MIN_VALUE}: none)
     * @param training          when and why its model was last refitted
     * @param sizing            its right-sizing
     */
    public record FunctionStatus(String name, String policy, int warm, int busy, int starting, int queued, int running,
                                 ResourceVector nextLimits, boolean limitRaised, Window window,
                                 long lastArrivalMillis, long coldStartMillis, long windowBaseMillis,
                                 Training training, SizingStatus sizing) {
    }

    /**
     * A function's right-sizing from its recorded usage.
     *
     * @param sizable     whether its spec's bounds leave room to size it at all
     * @param active      whether the recommendation sizes its next sandbox (enough samples, or an OOM bump)
     * @param samples     memory samples recorded (one per aggregation interval)
     * @param recommended the recommendation within the bounds and the host (its spec's limits until active)
     * @param min         the least its spec allows
     * @param max         the most its spec allows
     */
    public record SizingStatus(boolean sizable, boolean active, long samples, ResourceVector recommended,
                               ResourceVector min, ResourceVector max) {
    }

    /** The named function's status, or null. */
    public FunctionStatus function(String name) {
        return functions.stream().filter(f -> f.name().equals(name)).findFirst().orElse(null);
    }
}
