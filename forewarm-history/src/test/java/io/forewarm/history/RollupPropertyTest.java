package io.forewarm.history;

import io.forewarm.core.ExecutionRecord;
import io.forewarm.core.ExitKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static io.forewarm.history.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

/** Rollups kept batch by batch equal the aggregates recomputed from the raw records. */
class RollupPropertyTest extends StoreContract {

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 2026})
    void rollupsEqualAggregatesOfTheRawRecords(long seed) {
        Random rnd = new Random(seed);
        int functions = 1 + rnd.nextInt(6);
        long span = 40 * 60_000L;
        List<ExecutionRecord> all = new ArrayList<>();
        // small, uneven batches so most minutes are merged across several flushes
        try (HistoryStore store = open(fresh().withBatchSize(20 + rnd.nextInt(100)))) {
            for (int i = 0; i < 2_000; i++) {
                ExecutionRecord r = Fixtures.random(rnd, functions, span);
                all.add(r);
                store.append(r);
                if (rnd.nextInt(300) == 0) {
                    store.flush();
                }
            }
            store.flush();
            Instant end = T0.plusMillis(span + 60_000);
            for (String fn : store.functions()) {
                List<ExecutionRecord> raw = all.stream().filter(r -> r.function().equals(fn)).toList();
                assertThat(store.rollups(fn, T0, end)).as("rollups of %s (seed %d)", fn, seed)
                        .containsExactlyElementsOf(expected(fn, raw));
                assertThat(store.records(fn, T0, end)).hasSize(raw.size());
                long[] buckets = store.arrivalsPerMinute(fn, T0, 41);
                assertThat(java.util.Arrays.stream(buckets).sum()).isEqualTo(raw.size());
            }
        }
    }

    /** The oracle: rollups computed in memory from the raw records, one minute at a time. */
    private static List<MinuteRollup> expected(String fn, List<ExecutionRecord> raw) {
        Map<Long, List<ExecutionRecord>> byMinute = new TreeMap<>();
        for (ExecutionRecord r : raw) {
            byMinute.computeIfAbsent(Math.floorDiv(r.arrival().getEpochSecond(), 60), k -> new ArrayList<>()).add(r);
        }
        List<MinuteRollup> out = new ArrayList<>();
        byMinute.forEach((minute, rs) -> {
            long cpuKnown = rs.stream().filter(r -> r.cpuMillis() >= 0).count();
            out.add(new MinuteRollup(fn, Instant.ofEpochSecond(minute * 60), rs.size(),
                    rs.stream().filter(ExecutionRecord::cold).count(),
                    rs.stream().mapToLong(ExecutionRecord::runMillis).sum(),
                    rs.stream().mapToLong(ExecutionRecord::runMillis).max().orElseThrow(),
                    rs.stream().mapToLong(ExecutionRecord::peakMemoryBytes).max().orElseThrow(),
                    cpuKnown == 0 ? -1 : rs.stream().mapToLong(ExecutionRecord::cpuMillis).filter(v -> v >= 0).sum(),
                    rs.stream().filter(r -> r.exit() != ExitKind.OK).count()));
        });
        return out;
    }
}
