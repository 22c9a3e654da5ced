package io.forewarm.engine;

import io.forewarm.core.ResourceVector;
import io.forewarm.predict.plan.Plan;
import io.forewarm.predict.plan.Planner;
import io.forewarm.predict.plan.PoolSnapshot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Chooses idle sandboxes to evict when a cold start does not fit. Memory is chosen by {@link
 * Planner#chooseVictims}, the very rule the simulator's fleet model applies to a cold start under pressure
 * (lowest retention value first, the longest idle among equals: GreedyDual-Size as in Fuerst and Sharma,
 * "FaasCache", ASPLOS 2021, when the policy is {@code greedy-dual}), so that a simulation predicts what the
 * engine evicts. The simulator has no cpu budget; when cpu is short too, more idle sandboxes are taken in
 * the same order. Busy sandboxes are never candidates. Pure.
 */
final class Victims {

    /**
     * An idle sandbox that could be evicted.
     *
     * @param slotId    the pool entry
     * @param function  its function
     * @param size      what evicting it frees
     * @param value     the policy's retention value of its function
     * @param idleSince when it became idle (ms)
     */
    record Candidate(long slotId, String function, ResourceVector size, double value, long idleSince) {
    }

    private static final Comparator<Candidate> PLANNER_ORDER = Comparator.comparingDouble(Candidate::value)
            .thenComparingLong(Candidate::idleSince).thenComparingLong(Candidate::slotId);
    private static final Planner PLANNER = new Planner(false);

    private Victims() {
    }

    /**
     * The idle sandboxes to evict so that {@code need} fits into {@code free} at {@code nowMillis}, or empty when
     * even evicting all of them would not make room.
     */
    static Optional<List<Candidate>> choose(List<Candidate> idle, ResourceVector free, ResourceVector need,
                                            long nowMillis) {
        List<Candidate> chosen = new ArrayList<>();
        long memoryShort = need.memoryBytes() - free.memoryBytes();
        if (memoryShort > 0) {
            chosen.addAll(byPlanner(idle, memoryShort, nowMillis));
            if (chosen.isEmpty()) {
                return Optional.empty();
            }
        }
        ResourceVector room = free;
        for (Candidate c : chosen) {
            room = room.plus(c.size());
        }
        if (!room.fits(need)) { // cpu is short: take more, in the planner's order
            List<Candidate> rest = new ArrayList<>(idle);
            rest.removeAll(chosen);
            rest.sort(PLANNER_ORDER);
            for (Candidate c : rest) {
                if (room.fits(need)) {
                    break;
                }
                chosen.add(c);
                room = room.plus(c.size());
            }
        }
        return room.fits(need) ? Optional.of(List.copyOf(chosen)) : Optional.empty();
    }

    /** The planner's choice of candidates freeing {@code neededBytes}; empty if they cannot. */
    private static List<Candidate> byPlanner(List<Candidate> idle, long neededBytes, long nowMillis) {
        Map<String, List<Candidate>> byFunction = new LinkedHashMap<>();
        for (Candidate c : idle) {
            byFunction.computeIfAbsent(c.function(), k -> new ArrayList<>()).add(c);
        }
        List<PoolSnapshot.FunctionState> states = new ArrayList<>();
        Map<Long, Candidate> byId = new LinkedHashMap<>();
        for (var e : byFunction.entrySet()) {
            List<PoolSnapshot.IdleSandbox> sandboxes = new ArrayList<>();
            for (Candidate c : e.getValue()) {
                sandboxes.add(new PoolSnapshot.IdleSandbox(c.slotId(), c.idleSince(), c.size()));
                byId.put(c.slotId(), c);
            }
            Candidate first = e.getValue().get(0);
            // Only what chooseVictims reads matters: the idle sandboxes, their function's value and size.
            states.add(new PoolSnapshot.FunctionState(e.getKey(), Long.MIN_VALUE, null, first.size(), 0, 0, 0,
                    first.value(), 0, sandboxes));
        }
        List<Candidate> out = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (Plan.Release r : PLANNER.chooseVictims(PoolSnapshot.of(0, 0, 0, states), neededBytes, nowMillis)) {
            if (seen.add(r.sandboxId())) {
                out.add(byId.get(r.sandboxId()));
            }
        }
        return out;
    }
}
