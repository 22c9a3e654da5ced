package io.forewarm.engine;

import io.forewarm.core.ResourceVector;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Chooses idle sandboxes to evict when a new one does not fit: the least valuable per megabyte first, in the
 * spirit of GreedyDual-Size (Cao and Irani, USITS 1997) as Fuerst and Sharma apply it to keep-alive
 * ("FaasCache", ASPLOS 2021): a sandbox's value is its function's predicted reuse (the policy's retention
 * value) divided by its memory. Ties go to the one idle longest. Busy sandboxes are never candidates. Pure.
 */
final class Victims {

    /**
     * An idle sandbox that could be evicted.
     *
     * @param slotId     the pool entry
     * @param size       what evicting it frees
     * @param value      the policy's retention value of its function
     * @param idleSince  when it became idle (ms)
     */
    record Candidate(long slotId, ResourceVector size, double value, long idleSince) {

        /** Value per MB of memory: what keeping it buys per unit of the scarce resource. */
        double valuePerMb() {
            return value / Math.max(1.0, size.memoryMb());
        }
    }

    private static final Comparator<Candidate> CHEAPEST_FIRST = Comparator.comparingDouble(Candidate::valuePerMb)
            .thenComparingLong(Candidate::idleSince).thenComparingLong(Candidate::slotId);

    private Victims() {
    }

    /**
     * The fewest cheapest candidates whose eviction makes {@code need} fit into {@code free}, or empty when even
     * evicting all of them would not.
     */
    static Optional<List<Candidate>> choose(List<Candidate> idle, ResourceVector free, ResourceVector need) {
        List<Candidate> sorted = new ArrayList<>(idle);
        sorted.sort(CHEAPEST_FIRST);
        List<Candidate> chosen = new ArrayList<>();
        ResourceVector room = free;
        for (Candidate c : sorted) {
            if (room.fits(need)) {
                break;
            }
            chosen.add(c);
            room = room.plus(c.size());
        }
        return room.fits(need) ? Optional.of(List.copyOf(chosen)) : Optional.empty();
    }
}
