package io.forewarm.predict.plan;

import io.forewarm.core.ResourceVector;

import java.util.List;

/**
 * What the {@link Planner} decided at one instant: the actions to apply, releases first (they make the
 * room the pre-warms were planned with). Every action explains itself in words through {@link
 * Action#reason()}, built only when asked so that the simulator pays nothing for it.
 *
 * @param nowMillis the instant planned for
 * @param actions   releases, then pre-warms, then keeps
 */
public record Plan(long nowMillis, List<Action> actions) {

    /** Copies the actions. */
    public Plan {
        actions = List.copyOf(actions);
    }

    /** One decision about one function's sandboxes. */
    public sealed interface Action permits Prewarm, Release, Keep {

        /** Index of the function in the snapshot planned from. */
        int functionIndex();

        /** The function's name. */
        String function();

        /** Why, in words, for the forecast API and logs. */
        String reason();
    }

    /**
     * Start {@code count} sandboxes of {@code size} now so they are ready when the window opens.
     *
     * @param functionIndex   the function's index in the snapshot
     * @param function        its name
     * @param count           sandboxes to start
     * @param size            one sandbox's size
     * @param loadFromMillis  when the window opens (absolute)
     * @param loadUntilMillis when it closes (absolute)
     * @param leadMillis      how early the start is (the cold-start time plus the tick lookahead)
     */
    public record Prewarm(int functionIndex, String function, int count, ResourceVector size, long loadFromMillis,
                          long loadUntilMillis, long leadMillis) implements Action {

        @Override
        public String reason() {
            return "pre-warm " + count + " for " + function + ": window opens at " + loadFromMillis
                    + " ms, started " + leadMillis + " ms early (cold start + tick) so it is ready";
        }
    }

    /** Why a sandbox is released. */
    public enum Cause {
        /** The window after the last arrival ended. */
        EXPIRED,
        /** Memory was needed for a sandbox of higher value. */
        EVICTED_FOR_CAPACITY,
        /** The window opens later: unload now, load again before it opens. */
        OUTSIDE_WINDOW
    }

    /**
     * Release one idle sandbox.
     *
     * @param functionIndex the function's index in the snapshot
     * @param function      its name
     * @param sandboxId     the sandbox
     * @param cause         why
     * @param detailMillis  for EXPIRED when the window ended, for OUTSIDE_WINDOW when it opens (absolute ms);
     *                      for EVICTED_FOR_CAPACITY unused
     * @param value         the function's retention value when it was released
     */
    public record Release(int functionIndex, String function, long sandboxId, Cause cause, long detailMillis,
                          double value) implements Action {

        @Override
        public String reason() {
            return switch (cause) {
                case EXPIRED -> "release " + sandboxId + " of " + function + ": its window ended at "
                        + detailMillis + " ms";
                case OUTSIDE_WINDOW -> "release " + sandboxId + " of " + function + ": idle until its window opens"
                        + " at " + detailMillis + " ms";
                case EVICTED_FOR_CAPACITY -> "evict " + sandboxId + " of " + function + ": memory is short and its"
                        + " value " + value + " is the lowest";
            };
        }
    }

    /**
     * Keep a function's idle sandboxes: they are inside its window, or held for the minute after their last
     * call.
     *
     * @param functionIndex   the function's index in the snapshot
     * @param function        its name
     * @param idle            idle sandboxes kept
     * @param loadUntilMillis until when they are kept (absolute): the window's end, or the end of the hold
     * @param held            true for sandboxes held after their last call before a later pre-warm window
     */
    public record Keep(int functionIndex, String function, int idle, long loadUntilMillis, boolean held)
            implements Action {

        @Override
        public String reason() {
            return "keep " + idle + " idle of " + function + (held
                    ? ": held until " + loadUntilMillis + " ms, as more calls in the minute after a call belong"
                    + " to the same event (its pre-warm window opens later)"
                    : ": inside its window until " + loadUntilMillis + " ms");
        }
    }

    /** The releases, in order. */
    public List<Release> releases() {
        return actions.stream().filter(Release.class::isInstance).map(Release.class::cast).toList();
    }

    /** The pre-warms, in order. */
    public List<Prewarm> prewarms() {
        return actions.stream().filter(Prewarm.class::isInstance).map(Prewarm.class::cast).toList();
    }

    /** The keeps, in order. */
    public List<Keep> keeps() {
        return actions.stream().filter(Keep.class::isInstance).map(Keep.class::cast).toList();
    }
}
