package io.forewarm.sim;

import io.forewarm.predict.Policies;
import io.forewarm.predict.Policy;
import io.forewarm.predict.UnitProfile;
import io.forewarm.sim.paper.PaperModel;
import io.forewarm.sim.paper.PaperModel.UnitScore;
import io.forewarm.sim.trace.TraceFormats;
import io.forewarm.sim.trace.TraceGenerator;
import io.forewarm.sim.trace.Unit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Concept drift on a generated trace: functions of the generator's {@code drift} pattern change behaviour at
 * midnight of a given day. Under {@code auto} (drift detection on), the cold-start rate of those functions
 * from the N-th event after the change returns near their rate on the day before it.
 */
class DriftRecoveryTest {

    private static final int N = 40;

    @Test
    void coldStartRateReturnsNearThePreDriftLevelWithinNEvents(@TempDir Path dir) throws Exception {
        TraceGenerator.generate(new TraceGenerator.Options(600, 6, 11), dir);
        Map<String, Integer> changeDay = new HashMap<>();
        List<String> patterns = Files.readAllLines(dir.resolve("patterns.csv"));
        for (String line : patterns.subList(1, patterns.size())) {
            String[] f = line.split(",", 5);
            if (f[3].equals("drift")) {
                changeDay.put(f[2], Integer.parseInt(f[4].substring("day=".length(), f[4].indexOf(';'))));
            }
        }
        List<UnitTimeline> units = Simulation.timelines(TraceFormats.open("azure2019", dir), Unit.FUNCTION,
                Progress.NONE);
        long[] pre = new long[2];
        long[] post = new long[2];
        int drifting = 0;
        for (UnitTimeline u : units) {
            Integer day = changeDay.get(u.id().substring(u.id().lastIndexOf('/') + 1));
            if (day == null || day < 2) {
                continue; // a day of history before the day before the change
            }
            int change = day * 1440;
            int nth = change;
            for (int i = 0; i < N && nth >= 0; i++) {
                nth = u.nextActive(nth + 1);
            }
            if (nth < 0) {
                continue; // too few events after the change to judge
            }
            drifting++;
            UnitScore dayBefore = replay(u, change - 1440);
            UnitScore fromChange = replay(u, change);
            UnitScore afterN = replay(u, nth);
            pre[0] += dayBefore.events() - fromChange.events();
            pre[1] += dayBefore.coldStarts() - fromChange.coldStarts();
            post[0] += afterN.events();
            post[1] += afterN.coldStarts();
        }
        double preRate = (double) pre[1] / pre[0];
        double postRate = (double) post[1] / post[0];
        System.out.printf("drift functions %d: cold %.4f on the day before, %.4f from event %d after%n", drifting,
                preRate, postRate, N);
        assertThat(drifting).isGreaterThan(10);
        assertThat(postRate).isLessThanOrEqualTo(preRate * 1.25 + 0.005);
    }

    private static UnitScore replay(UnitTimeline u, int scoreFrom) {
        Policy auto = Policies.create("auto");
        return PaperModel.replay(u, auto.newUnit(UnitProfile.of(u.id(), 256, 0)), scoreFrom);
    }
}
