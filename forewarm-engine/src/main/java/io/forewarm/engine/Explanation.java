package io.forewarm.engine;

import java.util.List;

/**
 * Why a function's pool looks as it does now, for the forecast API: the policy's own account of its last
 * window, how often its recent windows missed, and the planner's verdict on each sandbox.
 *
 * @param policyDetail what the policy's last window rests on (which model, from what; may be empty)
 * @param misses       of the last {@code events} events, how many arrived outside the window in force
 * @param events       events looked at (calls a minute or more after the previous one, at most 64)
 * @param sandboxes    each sandbox with why it exists, then the pre-warms the planner would start now
 */
public record Explanation(String policyDetail, int misses, int events, List<Sandbox> sandboxes) {

    /** Copies the list. */
    public Explanation {
        sandboxes = List.copyOf(sandboxes);
    }

    /**
     * One sandbox and why it exists.
     *
     * @param id     the sandbox's slot id (-1 for a pre-warm the planner would start)
     * @param state  {@code warm}, {@code busy}, {@code starting}, {@code cooling} or {@code planned}
     * @param reason why, in words
     */
    public record Sandbox(long id, String state, String reason) {
    }
}
