package io.forewarm.engine;

import io.forewarm.core.ResourceVector;

import java.util.List;

/**
 * Decides what a request that found no warm sandbox does: cold start now (after evicting idle sandboxes if
 * memory is short), wait in the queue, or be turned away. Pure, so that the rules can be pinned without
 * threads; the orchestrator applies the decision under its lock.
 */
final class Admission {

    /** What to do. */
    sealed interface Decision permits Start, Wait, Reject {
    }

    /** Start a sandbox now, after evicting {@code victims} (possibly none). */
    record Start(List<Victims.Candidate> victims) implements Decision {
    }

    /** Wait for a sandbox of the function or for capacity to come free. */
    record Wait(String why) implements Decision {
    }

    /** Turn the request away at once: the queue is full. */
    record Reject(String why) implements Decision {
    }

    private Admission() {
    }

    /**
     * The decision for one request.
     *
     * @param sandboxes      sandboxes the function has now (any state but removed)
     * @param maxConcurrency the function's cap
     * @param need           the size of a new sandbox of the function
     * @param free           host capacity not allocated
     * @param idle           idle sandboxes of other functions that could be evicted
     * @param queued         requests waiting now (not counting this one)
     * @param queueCapacity  how many may wait
     * @param alreadyQueued  whether this request already holds a place in the queue
     * @param nowMillis      the time of the decision
     */
    static Decision decide(int sandboxes, int maxConcurrency, ResourceVector need, ResourceVector free,
                           List<Victims.Candidate> idle, int queued, int queueCapacity, boolean alreadyQueued,
                           long nowMillis) {
        String why;
        if (sandboxes >= maxConcurrency) {
            why = "all " + maxConcurrency + " sandboxes of the function are busy";
        } else if (free.fits(need)) {
            return new Start(List.of());
        } else {
            var victims = Victims.choose(idle, free, need, nowMillis);
            if (victims.isPresent()) {
                return new Start(victims.get());
            }
            why = "host capacity is short: need " + need + ", free " + free;
        }
        if (!alreadyQueued && queued >= queueCapacity) {
            return new Reject("queue full (" + queueCapacity + " waiting); " + why);
        }
        return new Wait(why);
    }
}
