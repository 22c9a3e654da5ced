package io.forewarm.predict.plan;

import io.forewarm.core.ResourceVector;
import io.forewarm.core.Window;

import java.util.List;

/**
 * What the {@link Planner} sees of a warm pool at one instant: per function (by index) its last arrival and
 * the window its policy returned, its sandbox size, how many sandboxes are busy or starting, its idle
 * sandboxes, its recent peak concurrency, its retention value and its cold-start time; plus the host's
 * memory capacity and allocation.
 *
 * <p>Index based so that a caller can expose its own arrays without building an object per function per
 * tick (the simulator does; {@link #of} builds an immutable one from records for the engine and tests).
 * A snapshot must not change while {@link Planner#plan} reads it.
 */
public interface PoolSnapshot {

    /** Host memory capacity in bytes; 0 means unlimited. */
    long capacityBytes();

    /** Memory allocated to sandboxes (busy, starting and idle) in bytes. */
    long allocatedBytes();

    /**
     * How far ahead of {@code now} the caller's next planning tick is, in ms: a pre-warm that must start
     * before then starts now, so that a coarse tick does not make it late.
     */
    long lookaheadMillis();

    /** Number of functions in the snapshot. */
    int functions();

    /** The function's name, for actions and their reasons. */
    String functionId(int f);

    /** Time of the function's last arrival, or {@link Long#MIN_VALUE} if it never arrived. */
    long lastArrivalMillis(int f);

    /** The window the policy returned at the last arrival, or null if it never arrived. */
    Window window(int f);

    /** The size of one sandbox of the function. */
    ResourceVector sandboxSize(int f);

    /** Sandboxes running an invocation. */
    int busy(int f);

    /** Sandboxes being started (not yet ready, not idle). */
    int starting(int f);

    /** The function's recent peak concurrency: how many sandboxes its last burst needed. */
    int recentPeak(int f);

    /** The policy's value of keeping this function's sandboxes: the lowest is evicted first. */
    double retentionValue(int f);

    /** The time a cold start of this function takes, in ms. */
    long coldStartMillis(int f);

    /** Number of idle (warm, loaded, not running) sandboxes of the function. */
    int idle(int f);

    /** The id of idle sandbox {@code i} of function {@code f}. */
    long idleSandboxId(int f, int i);

    /** Since when idle sandbox {@code i} of function {@code f} has been idle. */
    long idleSinceMillis(int f, int i);

    /** Memory of idle sandbox {@code i} of function {@code f}; by default the function's sandbox size. */
    default long idleMemoryBytes(int f, int i) {
        return sandboxSize(f).memoryBytes();
    }

    /** An idle sandbox as a value. */
    record IdleSandbox(long id, long idleSinceMillis, ResourceVector size) {
    }

    /**
     * One function's state as a value.
     *
     * @param id                the function's name
     * @param lastArrivalMillis its last arrival ({@link Long#MIN_VALUE}: none)
     * @param window            the window returned at that arrival (null: none)
     * @param size              one sandbox's size
     * @param busy              sandboxes running
     * @param starting          sandboxes starting
     * @param recentPeak        recent peak concurrency
     * @param retentionValue    the policy's retention value
     * @param coldStartMillis   measured cold-start time
     * @param idle              idle sandboxes
     */
    record FunctionState(String id, long lastArrivalMillis, Window window, ResourceVector size, int busy,
                         int starting, int recentPeak, double retentionValue, long coldStartMillis,
                         List<IdleSandbox> idle) {

        /** Validates counts and copies the idle list. */
        public FunctionState {
            if (busy < 0 || starting < 0 || recentPeak < 0 || coldStartMillis < 0) {
                throw new IllegalArgumentException(id + ": busy, starting, recentPeak and coldStartMillis must"
                        + " be >= 0: " + busy + ", " + starting + ", " + recentPeak + ", " + coldStartMillis);
            }
            idle = List.copyOf(idle);
        }
    }

    /** An immutable snapshot of {@code functions} on a host with {@code capacityBytes} (0: unlimited). */
    static PoolSnapshot of(long capacityBytes, long allocatedBytes, long lookaheadMillis,
                           List<FunctionState> functions) {
        if (capacityBytes < 0 || allocatedBytes < 0 || lookaheadMillis < 0) {
            throw new IllegalArgumentException("capacity, allocated and lookahead must be >= 0: " + capacityBytes
                    + ", " + allocatedBytes + ", " + lookaheadMillis);
        }
        List<FunctionState> fs = List.copyOf(functions);
        return new PoolSnapshot() {
            @Override public long capacityBytes() { return capacityBytes; }
            @Override public long allocatedBytes() { return allocatedBytes; }
            @Override public long lookaheadMillis() { return lookaheadMillis; }
            @Override public int functions() { return fs.size(); }
            @Override public String functionId(int f) { return fs.get(f).id(); }
            @Override public long lastArrivalMillis(int f) { return fs.get(f).lastArrivalMillis(); }
            @Override public Window window(int f) { return fs.get(f).window(); }
            @Override public ResourceVector sandboxSize(int f) { return fs.get(f).size(); }
            @Override public int busy(int f) { return fs.get(f).busy(); }
            @Override public int starting(int f) { return fs.get(f).starting(); }
            @Override public int recentPeak(int f) { return fs.get(f).recentPeak(); }
            @Override public double retentionValue(int f) { return fs.get(f).retentionValue(); }
            @Override public long coldStartMillis(int f) { return fs.get(f).coldStartMillis(); }
            @Override public int idle(int f) { return fs.get(f).idle().size(); }
            @Override public long idleSandboxId(int f, int i) { return fs.get(f).idle().get(i).id(); }
            @Override public long idleSinceMillis(int f, int i) { return fs.get(f).idle().get(i).idleSinceMillis(); }
            @Override public long idleMemoryBytes(int f, int i) { return fs.get(f).idle().get(i).size().memoryBytes(); }
        };
    }
}
