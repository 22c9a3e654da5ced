package io.forewarm.sim.paper;

import io.forewarm.predict.Policies;
import io.forewarm.predict.Policy;
import io.forewarm.predict.UnitPolicy;
import io.forewarm.predict.UnitProfile;
import io.forewarm.sim.Progress;
import io.forewarm.sim.Simulation;
import io.forewarm.sim.UnitTimeline;
import io.forewarm.sim.paper.PaperModel.UnitScore;
import io.forewarm.sim.trace.TraceFormats;
import io.forewarm.sim.trace.Unit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The time-ordered replay of all units, for cross-unit policies, against hand-worked and independent results. */
class TogetherReplayTest {

    private static UnitTimeline timeline(String id, int... minutes) {
        UnitTimeline t = new UnitTimeline(id, 0, 300);
        t.addFunction(minutes, 128);
        return t;
    }

    private static int[] every30(int offset) {
        int[] m = new int[10];
        for (int i = 0; i < m.length; i++) {
            m[i] = i * 30 + offset;
        }
        return m;
    }

    @Test
    void chainPrewarmsBTwoMinutesAfterAOnceLearned() {
        // A at 0, 30, ..., 270; B two minutes after each. chain:keep=1 keeps each sandbox one minute after an
        // event. A: IT 30 > 1, all 10 cold, one idle minute after each = 10. B: its gap arrivals at 2, 32, 62 are
        // cold and make the rule (3 hits); from A's arrival at 90 on, B is loaded at A + 2 (and A + 3): warm.
        // B wastes the minute after each of its 10 events. Total 20 events, 13 cold, 20 idle minutes.
        List<UnitTimeline> units = List.of(timeline("a", every30(0)), timeline("b", every30(2)));
        Policy chain = Policies.create("chain:keep=1");
        List<UnitPolicy> policies = units.stream().map(u -> chain.newUnit(UnitProfile.of(u.id(), 128, 0))).toList();
        UnitScore[] s = PaperModel.replayTogether(units, policies, chain, Integer.MIN_VALUE);
        assertThat(s[0]).isEqualTo(new UnitScore(10, 10, 10));
        assertThat(s[1]).isEqualTo(new UnitScore(10, 3, 10));
        // Replayed apart, the same keep-alive finds B cold every time.
        Policy fixed = Policies.create("fixed:1");
        assertThat(PaperModel.replay(units.get(1), fixed.newUnit(UnitProfile.of("b", 128, 0)), Integer.MIN_VALUE))
                .isEqualTo(new UnitScore(10, 10, 10));
    }

    @Test
    void autoPassesACrossUnitCandidatesTriggersThrough() {
        // The same timelines under auto with chain as a candidate: auto is cross-unit, maps chain's follower
        // back to B's auto unit, and B uses chain's pre-warm: cold only while the rule is learned.
        List<UnitTimeline> units = List.of(timeline("a", every30(0)), timeline("b", every30(2)));
        Policy auto = Policies.create("auto:models=chain:keep=1+fixed:1");
        assertThat(auto.crossUnit()).isTrue();
        List<UnitPolicy> policies = units.stream().map(u -> auto.newUnit(UnitProfile.of(u.id(), 128, 0))).toList();
        UnitScore[] s = PaperModel.replayTogether(units, policies, auto, Integer.MIN_VALUE);
        assertThat(s[1].coldStarts()).isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"fixed:10", "hybrid", "auto"})
    void withoutCrossUnitDecisionsTheTogetherReplayEqualsTheIndependentOne(String spec) throws Exception {
        List<UnitTimeline> units = Simulation.timelines(
                TraceFormats.open("azure2019", Path.of("../traces/azure2019/sample500_8h")), Unit.APP, Progress.NONE);
        Policy apart = Policies.create(spec);
        Policy together = Policies.create(spec);
        List<UnitPolicy> policies = units.stream()
                .map(u -> together.newUnit(UnitProfile.of(u.id(), 128, 0))).toList();
        UnitScore[] joint = PaperModel.replayTogether(units, policies, together, 720);
        for (int i = 0; i < units.size(); i++) {
            UnitScore alone = PaperModel.replay(units.get(i), apart.newUnit(UnitProfile.of(units.get(i).id(), 128, 0)),
                    720);
            assertThat(joint[i]).as(units.get(i).id()).isEqualTo(alone);
        }
    }

    @Test
    void aCrossUnitPolicyIsReplayedTogetherBySimulation() throws Exception {
        // At the function level chains inside an application become visible: chain must beat its own
        // keep-alive replayed apart (fixed:1) on cold starts, with the trace's own chains.
        var trace = TraceFormats.open("azure2019", Path.of("../traces/azure2019/sample500_8h"));
        var options = Simulation.Options.paper(Unit.FUNCTION);
        var results = Simulation.run(trace, List.of("chain", "fixed:1"), options);
        assertThat(results.get(0).events()).isEqualTo(results.get(1).events());
        assertThat(results.get(0).coldStarts()).isLessThanOrEqualTo(results.get(1).coldStarts());
    }
}
