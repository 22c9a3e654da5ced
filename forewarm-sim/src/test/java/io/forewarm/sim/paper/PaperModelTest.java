package io.forewarm.sim.paper;

import io.forewarm.core.Window;
import io.forewarm.predict.Policies;
import io.forewarm.predict.Policy;
import io.forewarm.predict.UnitPolicy;
import io.forewarm.predict.UnitProfile;
import io.forewarm.sim.UnitTimeline;
import io.forewarm.sim.paper.PaperModel.UnitScore;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Hand-worked timelines with exact expected counts; the working is in the comments. */
class PaperModelTest {

    /** Events at minutes 0, 5 and 20 of a 30-minute horizon. */
    private static UnitTimeline timeline(int... minutes) {
        UnitTimeline t = new UnitTimeline("u", 0, 30);
        t.addFunction(minutes, 256);
        return t;
    }

    private static UnitScore replay(String spec, UnitTimeline t, int scoreFrom) {
        Policy p = Policies.create(spec);
        return PaperModel.replay(t, p.newUnit(new UnitProfile("u", 256, 0, t.foresight())), scoreFrom);
    }

    @Test
    void noKeepAliveMakesEveryEventColdAndWastesNothing() {
        // K = 0: the instance unloads right after each event; nothing is ever loaded idle.
        assertThat(replay("none", timeline(0, 5, 20), Integer.MIN_VALUE)).isEqualTo(new UnitScore(3, 3, 0));
    }

    @Test
    void fixedKeepAliveIsWarmWithinKAndWastesTheIdleMinutes() {
        // 0: cold (first). IT=5 <= 10: warm, minutes 1..4 idle-loaded = 4.
        // IT=15 > 10: cold, minutes 6..15 idle-loaded = 10. After 20: minutes 21..29 (horizon ends) = 9.
        assertThat(replay("fixed:10", timeline(0, 5, 20), Integer.MIN_VALUE)).isEqualTo(new UnitScore(3, 2, 23));
    }

    @Test
    void scoreFromCountsOnlyLaterEventsAndMinutes() {
        // Only the event at 20 is scored (cold). Idle-loaded minutes >= 10: 10..15 = 6 and 21..29 = 9.
        assertThat(replay("fixed:10", timeline(0, 5, 20), 10)).isEqualTo(new UnitScore(1, 1, 15));
    }

    @Test
    void oracleIsColdOnlyOnceAndWastesNothing() {
        assertThat(replay("oracle", timeline(0, 5, 20), Integer.MIN_VALUE)).isEqualTo(new UnitScore(3, 1, 0));
    }

    @Test
    void prewarmWindowLoadsFromPToPPlusK() {
        // Window P=3, K=2: loaded at offsets 3..5 after each event.
        // 0: cold. IT=4 in [3,5]: warm, offset 3 idle = 1. IT=6 > 5: cold, offsets 3..5 idle = 3.
        // After 10: offsets 3..5 (minutes 13..15) = 3. IT=1 after 28? none. Total 7, cold 2.
        UnitPolicy fixedWindow = now -> Window.ofMinutes(3, 2);
        assertThat(PaperModel.replay(timeline(0, 4, 10), fixedWindow, Integer.MIN_VALUE))
                .isEqualTo(new UnitScore(3, 2, 7));
    }

    @Test
    void arrivalBeforeThePrewarmWindowIsColdAndWastesNothing() {
        // P=3: IT=1 comes before the instance is loaded again: cold; nothing was loaded in between.
        // After 1 the window 4..6 lies inside the horizon: 3 minutes wasted at the end.
        UnitPolicy fixedWindow = now -> Window.ofMinutes(3, 2);
        assertThat(PaperModel.replay(timeline(0, 1), fixedWindow, Integer.MIN_VALUE))
                .isEqualTo(new UnitScore(2, 2, 3));
    }

    @Test
    void keepAliveStopsAtTheHorizon() {
        // One event at 25 with K=10: minutes 26..29 remain in the 30-minute horizon.
        assertThat(replay("fixed:10", timeline(25), Integer.MIN_VALUE)).isEqualTo(new UnitScore(1, 1, 4));
    }

    @Test
    void consecutiveMinutesAreWarmWithAnyKeepAlive() {
        // IT=1 <= 1: warm, no idle minute in between; after 3: minute 4 idle.
        assertThat(replay("fixed:1", timeline(1, 2, 3), Integer.MIN_VALUE)).isEqualTo(new UnitScore(3, 1, 1));
    }
}
