package io.forewarm.engine;

import io.forewarm.core.ResourceVector;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AdmissionTest {

    private static final long MB = 1 << 20;
    private static final ResourceVector NEED = ResourceVector.of(0.5, 100 * MB);
    private static final List<Victims.Candidate> NO_IDLE = List.of();

    @Test
    void startsWhenTheBudgetHasRoom() {
        var d = Admission.decide(0, 4, NEED, ResourceVector.of(1, 200 * MB), NO_IDLE, 0, 8, false, 0);
        assertThat(d).isEqualTo(new Admission.Start(List.of()));
    }

    @Test
    void startsAfterEvictingWhenIdleSandboxesMakeRoom() {
        var idle = List.of(new Victims.Candidate(7, "other", ResourceVector.of(0.5, 100 * MB), 1, 0));
        var d = Admission.decide(0, 4, NEED, ResourceVector.of(1, 50 * MB), idle, 0, 8, false, 0);
        assertThat(d).isEqualTo(new Admission.Start(idle));
    }

    @Test
    void waitsWhenTheFunctionIsAtItsCapEvenWithBudget() {
        var d = Admission.decide(4, 4, NEED, ResourceVector.of(8, 8000 * MB), NO_IDLE, 0, 8, false, 0);
        assertThat(d).isInstanceOf(Admission.Wait.class);
        assertThat(((Admission.Wait) d).why()).contains("all 4 sandboxes");
    }

    @Test
    void waitsWhenCapacityIsShortAndTheQueueHasRoom() {
        var d = Admission.decide(0, 4, NEED, ResourceVector.of(1, 50 * MB), NO_IDLE, 7, 8, false, 0);
        assertThat(d).isInstanceOf(Admission.Wait.class);
    }

    @Test
    void rejectsWithQueueFullWhenTheQueueIsFull() {
        var d = Admission.decide(0, 4, NEED, ResourceVector.of(1, 50 * MB), NO_IDLE, 8, 8, false, 0);
        assertThat(d).isInstanceOf(Admission.Reject.class);
        assertThat(((Admission.Reject) d).why()).startsWith("queue full (8 waiting)");
    }

    @Test
    void aRequestAlreadyQueuedKeepsItsPlace() {
        var d = Admission.decide(0, 4, NEED, ResourceVector.of(1, 50 * MB), NO_IDLE, 8, 8, true, 0);
        assertThat(d).isInstanceOf(Admission.Wait.class);
    }

    @Test
    void aZeroQueueRejectsAtOnce() {
        var d = Admission.decide(1, 1, NEED, ResourceVector.of(8, 8000 * MB), NO_IDLE, 0, 0, false, 0);
        assertThat(d).isInstanceOf(Admission.Reject.class);
    }
}
