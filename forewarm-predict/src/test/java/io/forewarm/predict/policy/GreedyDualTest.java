package io.forewarm.predict.policy;

import io.forewarm.core.ResourceVector;
import io.forewarm.core.Window;
import io.forewarm.predict.Policies;
import io.forewarm.predict.UnitPolicy;
import io.forewarm.predict.UnitProfile;
import io.forewarm.predict.plan.Plan.Release;
import io.forewarm.predict.plan.Planner;
import io.forewarm.predict.plan.PoolSnapshot;
import io.forewarm.predict.plan.PoolSnapshot.FunctionState;
import io.forewarm.predict.plan.PoolSnapshot.IdleSandbox;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Priorities and eviction order on a hand-made sequence. */
class GreedyDualTest {

    @Test
    void isRegisteredAndKeepsForever() {
        GreedyDual gd = (GreedyDual) Policies.create("greedy-dual");
        assertThat(gd.newUnit(UnitProfile.of("a", 100, 100)).onArrival(0)).isEqualTo(Window.FOREVER);
        assertThat(Policies.names()).contains("greedy-dual");
    }

    @Test
    void priorityIsClockPlusFrequencyTimesCostOverSize() {
        GreedyDual gd = (GreedyDual) Policies.create("greedy-dual");
        // a: cost 100 ms / 100 MB = 1 per arrival; b: 400 ms / 100 MB = 4; c: 100 ms / 50 MB = 2.
        UnitPolicy a = gd.newUnit(UnitProfile.of("a", 100, 100));
        UnitPolicy b = gd.newUnit(UnitProfile.of("b", 100, 400));
        UnitPolicy c = gd.newUnit(UnitProfile.of("c", 50, 100));
        a.onArrival(0);
        a.onArrival(1);
        a.onArrival(2); // a: 0 + 3 x 1 = 3
        b.onArrival(3); // b: 0 + 1 x 4 = 4
        c.onArrival(4); // c: 0 + 1 x 2 = 2
        assertThat(List.of(a.retentionValue(5), b.retentionValue(5), c.retentionValue(5)))
                .containsExactly(3.0, 4.0, 2.0);

        // Memory is short: the planner evicts the lowest priority, c (2); the clock becomes 2.
        List<Release> victims = new Planner().chooseVictims(pool(a, b, c), 1, 5);
        assertThat(victims).extracting(Release::function).containsExactly("c");
        gd.onEvicted(c, 5);
        assertThat(gd.clock()).isEqualTo(2.0);

        // c comes back: 2 + 2 x 2 = 6; a fresh arrival of a: 2 + 4 x 1 = 6; b untouched stays 4.
        c.onArrival(6);
        a.onArrival(7);
        assertThat(List.of(a.retentionValue(8), b.retentionValue(8), c.retentionValue(8)))
                .containsExactly(6.0, 4.0, 6.0);
        // Next victim: b (4), aged by not being used since the clock rose past... it is now the lowest.
        assertThat(new Planner().chooseVictims(pool(a, b, c), 1, 8)).extracting(Release::function)
                .containsExactly("b");
        gd.onEvicted(b, 8);
        assertThat(gd.clock()).isEqualTo(4.0);
        a.verify();
        b.verify();
        c.verify();
    }

    @Test
    void unknownCostAndSizeCountAsOne() {
        GreedyDual gd = (GreedyDual) Policies.create("greedy-dual");
        UnitPolicy u = gd.newUnit(UnitProfile.of("u", 0, 0));
        u.onArrival(0);
        u.onArrival(0);
        assertThat(u.retentionValue(0)).isEqualTo(2.0);
    }

    @Test
    void rejectsTimeGoingBack() {
        UnitPolicy u = Policies.create("greedy-dual").newUnit(UnitProfile.of("u", 1, 1));
        u.onArrival(10);
        assertThatThrownBy(() -> u.onArrival(9)).isInstanceOf(IllegalStateException.class).hasMessageContaining("u");
    }

    /** One idle 1-byte sandbox per unit, all idle since 0, valued by the policy. */
    private static PoolSnapshot pool(UnitPolicy... units) {
        List<FunctionState> fs = new java.util.ArrayList<>();
        String[] names = {"a", "b", "c"};
        for (int i = 0; i < units.length; i++) {
            fs.add(new FunctionState(names[i], 0, Window.FOREVER, ResourceVector.of(0, 1), 0, 0, 1,
                    units[i].retentionValue(0), 0, List.of(new IdleSandbox(i, 0, ResourceVector.of(0, 1)))));
        }
        return PoolSnapshot.of(0, units.length, 0, fs);
    }
}
