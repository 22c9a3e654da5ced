package io.forewarm.server;

import io.forewarm.core.ExecutionRecord;
import io.forewarm.core.ExitKind;
import io.forewarm.core.ResourceVector;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Per-function summaries, pinned on hand-worked samples. */
class StatsTest {

    private static ExecutionRecord run(boolean cold, long queue, long init, long runMs, ExitKind exit) {
        return new ExecutionRecord("f", Instant.EPOCH, queue, cold, init, runMs, -1, -1, -1, -1, -1, exit,
                ResourceVector.ZERO, false);
    }

    @Test
    void nearestRankPercentiles() {
        long[] v = new long[100];
        for (int i = 0; i < 100; i++) {
            v[i] = 100 - i; // 1..100, reversed
        }
        assertThat(Stats.Percentiles.of(v)).isEqualTo(new Stats.Percentiles(100, 50, 90, 99, 100));
        assertThat(Stats.Percentiles.of(new long[] {7})).isEqualTo(new Stats.Percentiles(1, 7, 7, 7, 7));
        assertThat(Stats.Percentiles.of(new long[0])).isEqualTo(new Stats.Percentiles(0, 0, 0, 0, 0));
    }

    @Test
    void coldShareLatencyAndFailuresLeaveRejectionsApart() {
        List<ExecutionRecord> rs = new ArrayList<>();
        rs.add(run(true, 0, 300, 10, ExitKind.OK));      // cold: 310 ms
        rs.add(run(false, 0, 0, 2, ExitKind.OK));        // warm: 2 ms
        rs.add(run(false, 5, 0, 4, ExitKind.OK));        // warm: 9 ms
        rs.add(run(false, 0, 0, 30, ExitKind.TIMEOUT));  // warm: 30 ms, failed
        rs.add(run(false, 2000, 0, 0, ExitKind.CAPACITY)); // rejected: not an invocation
        Stats.FunctionStats s = Stats.summarize("f", rs, 3.0 * (1 << 20));
        assertThat(s.invocations()).isEqualTo(4);
        assertThat(s.cold()).isEqualTo(1);
        assertThat(s.coldPercent()).isEqualTo(25.0);
        assertThat(s.rejected()).isEqualTo(1);
        assertThat(s.failures()).isEqualTo(Map.of("timeout", 1L));
        assertThat(s.warmLatencyMillis()).isEqualTo(new Stats.Percentiles(3, 9, 30, 30, 30));
        assertThat(s.coldLatencyMillis()).isEqualTo(new Stats.Percentiles(1, 310, 310, 310, 310));
        assertThat(s.latencyMillis().p50()).isEqualTo(9);
        assertThat(s.idleMemoryMbSeconds()).isEqualTo(3.0);
    }
}
