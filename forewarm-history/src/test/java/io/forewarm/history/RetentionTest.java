package io.forewarm.history;

import io.forewarm.core.ExecutionRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Random;

import static io.forewarm.history.Fixtures.T0;
import static io.forewarm.history.Fixtures.record;
import static org.assertj.core.api.Assertions.assertThat;

/** Retention by age, size and sealing, the same for every store: run once per {@link Backend}. */
class RetentionTest extends StoreContract {

    /** One record per minute for {@code minutes} minutes from T0, run time = minute index. */
    private static void minutely(HistoryStore store, String fn, int minutes) {
        for (int m = 0; m < minutes; m++) {
            store.append(record(fn, T0.plusSeconds(m * 60L + 1), m));
        }
        store.flush();
    }

    private HistoryStore open(HistoryOptions base, RetentionPolicy policy) {
        return open(base.withRetention(policy, Duration.ZERO, InstantSource.system()));
    }

    @Test
    void rawRecordsOlderThanTheirAgeAreDroppedButTheirMinutesStayInTheRollups() {
        RetentionPolicy policy = RetentionPolicy.KEEP_ALL.withRawMaxAge(Duration.ofMinutes(30));
        try (HistoryStore store = open(fresh(), policy)) {
            minutely(store, "f", 60);
            Instant now = T0.plus(Duration.ofMinutes(60));
            assertThat(store.applyRetention(now)).isEqualTo(new RetentionResult(30, 0, 0, 0));
            assertThat(store.records("f", T0, now)).hasSize(30).first()
                    .extracting(ExecutionRecord::runMillis).isEqualTo(30L);
            assertThat(store.arrivalsPerMinute("f", T0, 60)).containsOnly(1);
            assertThat(store.rollups("f", T0, now)).hasSize(60);
            assertThat(store.functions()).containsExactly("f");
            assertThat(store.applyRetention(now)).as("nothing more to do").isEqualTo(new RetentionResult(0, 0, 0, 0));
        }
    }

    @Test
    void rawRowsWrittenButNotYetRolledUpAreRolledUpBeforeRetentionDropsThem() throws InterruptedException {
        RetentionPolicy policy = RetentionPolicy.KEEP_ALL.withRawMaxAge(Duration.ofMinutes(30));
        // Batches of one record are written at once, but rolled up only every ROLL_UP_EVERY or on flush: no
        // flush here, so retention usually finds the row above the watermark (and must give the same answer if
        // the writer's own rollup came first).
        try (HistoryStore store = open(fresh().withBatchSize(1), policy)) {
            store.append(record("f", T0, 10));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (store.records("f", T0, T0.plusSeconds(60)).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertThat(store.applyRetention(T0.plus(Duration.ofMinutes(60))))
                    .isEqualTo(new RetentionResult(1, 0, 0, 0));
            assertThat(store.records("f", T0, T0.plusSeconds(60))).isEmpty();
            assertThat(store.arrivalsPerMinute("f", T0, 2)).containsExactly(1, 0);
        }
    }

    @Test
    void rollupsOlderThanTheirAgeAreDroppedAndForgottenFunctionsDisappear() {
        RetentionPolicy policy = RetentionPolicy.KEEP_ALL.withRawMaxAge(Duration.ofMinutes(10))
                .withRollupMaxAge(Duration.ofMinutes(20));
        try (HistoryStore store = open(fresh(), policy)) {
            minutely(store, "f", 60);
            store.append(record("old", T0, 1));
            store.flush();
            Instant now = T0.plus(Duration.ofMinutes(60));
            // raw: minutes 0..49 go (50 of f, 1 of old); rollups: minutes 0..39 go (40 of f, 1 of old)
            assertThat(store.applyRetention(now)).isEqualTo(new RetentionResult(51, 0, 41, 0));
            long[] buckets = store.arrivalsPerMinute("f", T0, 60);
            assertThat(java.util.Arrays.stream(buckets, 0, 40)).containsOnly(0L);
            assertThat(java.util.Arrays.stream(buckets, 40, 60)).containsOnly(1L);
            assertThat(store.functions()).containsExactly("f");
            // a function that comes back gets a fresh id and counts again
            store.append(record("old", now, 1));
            store.flush();
            assertThat(store.arrivalsPerMinute("old", now, 1)).containsExactly(1);
        }
    }

    @Test
    void theOldestRawRecordsGoFirstWhenTheRowLimitIsExceeded() {
        RetentionPolicy policy = RetentionPolicy.KEEP_ALL.withMaxRawRows(25);
        try (HistoryStore store = open(fresh(), policy)) {
            minutely(store, "f", 40);
            minutely(store, "g", 10);
            Instant now = T0.plus(Duration.ofDays(1));
            assertThat(store.applyRetention(now)).isEqualTo(new RetentionResult(0, 25, 0, 50));
            assertThat(store.latest(100)).hasSize(25)
                    .allSatisfy(r -> assertThat(r.arrival()).isAfterOrEqualTo(T0.plusSeconds(15 * 60)));
            assertThat(store.records("g", T0, now)).isEmpty();
            assertThat(store.arrivalsPerMinute("g", T0, 10)).containsOnly(1);
        }
    }

    @Test
    void aStoreIsShrunkUnderItsByteLimitOldestFirst() {
        // DuckDB needs enough rows to fill many 256 KiB blocks; PostgreSQL counts live row bytes exactly.
        int n = backend == Backend.DUCKDB ? 300_000 : 60_000;
        Random rnd = new Random(7);
        try (HistoryStore store = open(durable())) {
            // arrivals in order, as the engine writes them, so the oldest rows fill whole row groups
            for (int i = 0; i < n; i++) {
                ExecutionRecord r = Fixtures.random(rnd, 50, 1);
                store.append(new ExecutionRecord(r.function(), T0.plusMillis(i * 250L), r.queueMillis(), r.cold(),
                        r.initMillis(), r.runMillis(), r.cpuMillis(), r.peakMemoryBytes(), r.ioReadBytes(),
                        r.ioWriteBytes(), r.netBytes(), r.exit(), r.limits(), r.limitRaised()));
            }
        }
        long usedBefore;
        try (JdbcHistoryStore store = open(durable())) {
            usedBefore = store.usedBytes();
        }
        RetentionPolicy policy = RetentionPolicy.KEEP_ALL.withMaxBytes(usedBefore / 2);
        try (JdbcHistoryStore store = open(durable().withRetention(policy, Duration.ZERO, InstantSource.system()))) {
            RetentionResult first = store.applyRetention(T0);
            assertThat(first.rawBySize()).isBetween(n / 3L, (long) n);
            List<ExecutionRecord> left = store.latest(n);
            assertThat(left).hasSizeLessThan(n * 2 / 3);
            Instant oldestLeft = left.getLast().arrival();
            // everything older than the oldest remaining record is gone from every function
            assertThat(store.functions()).allSatisfy(fn ->
                    assertThat(store.records(fn, T0, oldestLeft)).isEmpty());
            // DuckDB frees space in 256 KiB blocks as checkpoints vacuum deleted rows, so the limit holds to
            // within that granularity; allow two blocks.
            assertThat(store.usedBytes()).isLessThanOrEqualTo(usedBefore / 2 + 2 * 256 * 1024);
        }
    }

    @Test
    void theWriterAppliesRetentionPeriodicallyAtTheInjectedTime() throws InterruptedException {
        InstantSource clock = InstantSource.fixed(T0.plus(Duration.ofMinutes(60)));
        HistoryOptions options = fresh().withBatchInterval(Duration.ofMillis(20))
                .withRetention(RetentionPolicy.KEEP_ALL.withRawMaxAge(Duration.ofMinutes(30)), Duration.ofMillis(20),
                        clock);
        try (HistoryStore store = open(options)) {
            minutely(store, "f", 60);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (store.records("f", T0, T0.plus(Duration.ofHours(2))).size() > 30 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(store.records("f", T0, T0.plus(Duration.ofHours(2)))).hasSize(30);
            assertThat(store.arrivalsPerMinute("f", T0, 60)).containsOnly(1);
        }
    }

    @Test
    void sealingPastDaysChangesNoAnswerAndLateArrivalsForSealedMinutesAreAddedUp() {
        Random rnd = new Random(11);
        try (HistoryStore store = open(fresh().withBatchSize(500), RetentionPolicy.KEEP_ALL)) {
            for (int i = 0; i < 3_000; i++) {
                store.append(Fixtures.random(rnd, 4, Duration.ofDays(3).toMillis()));
            }
            store.flush();
            Instant end = T0.plus(Duration.ofDays(4));
            java.util.Map<String, java.util.List<MinuteRollup>> before = new java.util.HashMap<>();
            java.util.Map<String, long[]> bucketsBefore = new java.util.HashMap<>();
            for (String fn : store.functions()) {
                before.put(fn, store.rollups(fn, T0, end));
                bucketsBefore.put(fn, store.arrivalsPerMinute(fn, T0, 4 * 1440));
            }
            // T0 is 10:00 on day 0; at day 3 00:30 the grace hour keeps day 2 hot, so days 0 and 1 are sealed,
            // one per pass
            Instant now = Instant.parse("2026-03-05T00:30:00Z");
            assertThat(store.applyRetention(now).rollupsSealed()).isPositive();
            assertThat(store.rollups("fn-0", T0, end)).isEqualTo(before.get("fn-0"));
            assertThat(store.applyRetention(now).rollupsSealed()).isPositive();
            assertThat(store.applyRetention(now).rollupsSealed()).isZero();
            for (String fn : store.functions()) {
                assertThat(store.rollups(fn, T0, end)).isEqualTo(before.get(fn));
                assertThat(store.arrivalsPerMinute(fn, T0, 4 * 1440)).isEqualTo(bucketsBefore.get(fn));
            }
            MinuteRollup first = before.get("fn-0").getFirst();
            store.append(new ExecutionRecord("fn-0", first.minute().plusSeconds(1), 0, true, 1, 99_999, 5,
                    1L << 40, -1, -1, -1, io.forewarm.core.ExitKind.CRASH, Fixtures.LIMITS, false));
            store.flush();
            assertThat(store.rollups("fn-0", first.minute(), first.minute().plusSeconds(60))).containsExactly(
                    new MinuteRollup("fn-0", first.minute(), first.invocations() + 1, first.coldStarts() + 1,
                            first.runMillisSum() + 99_999, 99_999, 1L << 40,
                            first.cpuMillisSum() < 0 ? 5 : first.cpuMillisSum() + 5, first.errors() + 1));
        }
    }
}
