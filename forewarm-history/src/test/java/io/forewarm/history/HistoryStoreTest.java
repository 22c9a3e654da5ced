package io.forewarm.history;

import io.forewarm.core.ExecutionRecord;
import io.forewarm.core.ExitKind;
import io.forewarm.core.ResourceVector;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.forewarm.history.Fixtures.T0;
import static io.forewarm.history.Fixtures.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every history store does: the {@link HistoryStore} contract, run once per {@link Backend}. */
class HistoryStoreTest extends StoreContract {

    @Test
    void appendedRecordsComeBackFieldForFieldFromADurableStore() {
        ExecutionRecord full = new ExecutionRecord("resize", T0.plusNanos(123_456_000), 7, true, 350, 1200, 900,
                300L << 20, 11, 22, 33, ExitKind.TIMEOUT, Fixtures.LIMITS, true);
        ExecutionRecord unknowns = new ExecutionRecord("resize", T0.plusSeconds(1), 0, false, 0, 5, -1, -1, -1, -1,
                -1, ExitKind.OK, ResourceVector.of(0.25, 128L << 20), false);
        try (HistoryStore store = open(durable())) {
            store.append(unknowns);
            store.append(full);
            store.flush();
            assertThat(store.records("resize", T0, T0.plusSeconds(2))).containsExactly(full, unknowns);
            assertThat(store.records("resize", T0.plusSeconds(1), T0.plusSeconds(2))).containsExactly(unknowns);
            assertThat(store.records("other", T0, T0.plusSeconds(2))).isEmpty();
        }
    }

    @Test
    void rollupsSumCountAndMaxEachMinuteAndSkipUnknownMeasurements() {
        try (HistoryStore store = open(fresh())) {
            store.append(new ExecutionRecord("f", T0.plusSeconds(5), 0, true, 100, 40, 10, 1000, 0, 0, 0,
                    ExitKind.OK, Fixtures.LIMITS, false));
            store.append(new ExecutionRecord("f", T0.plusSeconds(59), 0, false, 0, 60, -1, 3000, 0, 0, 0,
                    ExitKind.OOM, Fixtures.LIMITS, false));
            store.append(new ExecutionRecord("f", T0.plusSeconds(60), 0, false, 0, 7, -1, -1, 0, 0, 0,
                    ExitKind.OK, Fixtures.LIMITS, false));
            store.flush();
            // a later batch landing in an existing minute must merge, not replace
            store.append(new ExecutionRecord("f", T0.plusSeconds(30), 0, true, 5, 20, 4, 2000, 0, 0, 0,
                    ExitKind.CRASH, Fixtures.LIMITS, false));
            store.flush();
            assertThat(store.rollups("f", T0, T0.plusSeconds(120))).containsExactly(
                    new MinuteRollup("f", T0, 3, 2, 120, 60, 3000, 14, 2),
                    new MinuteRollup("f", T0.plusSeconds(60), 1, 0, 7, 7, -1, -1, 0));
            assertThat(store.rollups("f", T0.plusSeconds(1), T0.plusSeconds(120))).hasSize(1);
        }
    }

    @Test
    void rollupsCatchUpWithTheRawRowsWithoutAFlush() throws InterruptedException {
        try (HistoryStore store = open(fresh().withBatchInterval(Duration.ofMillis(20)))) {
            for (int i = 0; i < 3; i++) {
                store.append(record("f", T0.plusSeconds(i), 10));
            }
            // No flush: the writer rolls up by itself, within JdbcHistoryStore.ROLL_UP_EVERY of the write.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (store.arrivalsPerMinute("f", T0, 1)[0] < 3 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(store.arrivalsPerMinute("f", T0, 1)).containsExactly(3);
            assertThat(store.records("f", T0, T0.plusSeconds(60))).hasSize(3);
        }
    }

    @Test
    void arrivalsPerMinuteIsIndexedFromTheMinuteContainingFrom() {
        try (HistoryStore store = open(fresh())) {
            for (int minute : new int[] {0, 0, 2, 5, 5, 5, 9}) {
                store.append(record("f", T0.plusSeconds(minute * 60L + 30), 10));
            }
            store.append(record("g", T0.plusSeconds(60), 10));
            store.flush();
            assertThat(store.arrivalsPerMinute("f", T0.plusSeconds(20), 6)).containsExactly(2, 0, 1, 0, 0, 3);
            assertThat(store.arrivalsPerMinute("f", T0.minusSeconds(120), 4)).containsExactly(0, 0, 2, 0);
            assertThat(store.arrivalsPerMinute("g", T0, 3)).containsExactly(0, 1, 0);
            assertThat(store.arrivalsPerMinute("unknown", T0, 3)).containsExactly(0, 0, 0);
            assertThat(store.arrivalsPerMinute("f", T0, 0)).isEmpty();
        }
    }

    @Test
    void functionsAreSortedAndLatestIsNewestFirst() {
        try (HistoryStore store = open(fresh())) {
            ExecutionRecord b1 = record("beta", T0, 1);
            ExecutionRecord a1 = record("alpha", T0.plusSeconds(1), 2);
            ExecutionRecord b2 = record("beta", T0.plusSeconds(2), 3);
            store.append(b2);
            store.append(b1);
            store.append(a1);
            store.flush();
            assertThat(store.functions()).containsExactly("alpha", "beta");
            assertThat(store.latest(2)).containsExactly(b2, a1);
            assertThat(store.latest(10)).containsExactly(b2, a1, b1);
            assertThat(store.latest("beta", 5)).containsExactly(b2, b1);
            List<ExecutionRecord> seen = new ArrayList<>();
            store.forEach(T0, T0.plusSeconds(2), seen::add);
            assertThat(seen).containsExactly(b1, a1);
        }
    }

    @Test
    void aBatchIsWrittenByTheIntervalWithoutAnExplicitFlush() throws InterruptedException {
        try (HistoryStore store = open(fresh()
                .withBatchInterval(Duration.ofMillis(50)))) {
            store.append(record("f", T0, 1));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (store.latest(1).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(store.latest(1)).hasSize(1);
        }
    }

    @Test
    void aFullBatchIsWrittenWithoutWaitingForTheInterval() throws InterruptedException {
        try (HistoryStore store = open(fresh()
                .withBatchInterval(Duration.ofHours(1)).withBatchSize(3))) {
            for (int i = 0; i < 3; i++) {
                store.append(record("f", T0.plusSeconds(i), 1));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (store.latest(5).size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(store.latest(5)).hasSize(3);
        }
    }

    @Test
    void closeWritesWhatIsBufferedAndReopeningKeepsEverythingAndOrder() {
        HistoryOptions options = durable().withBatchInterval(Duration.ofHours(1));
        try (HistoryStore store = open(options)) {
            for (int i = 0; i < 100; i++) {
                store.append(record("f" + (i % 3), T0.plusSeconds(i), i));
            }
        }
        try (HistoryStore store = open(options)) {
            assertThat(store.functions()).containsExactly("f0", "f1", "f2");
            assertThat(store.records("f1", T0, T0.plusSeconds(100))).hasSize(33)
                    .first().isEqualTo(record("f1", T0.plusSeconds(1), 1));
            assertThat(store.arrivalsPerMinute("f0", T0, 2)).containsExactly(20, 14);
            // same arrival: the record appended later counts as later
            store.append(record("f2", T0.plusSeconds(99), 1000));
            store.append(record("new", T0.plusSeconds(99), 1001));
            store.flush();
            assertThat(store.latest(2)).extracting(ExecutionRecord::runMillis).containsExactly(1001L, 1000L);
            assertThat(store.functions()).containsExactly("f0", "f1", "f2", "new");
        }
    }

    @Test
    void aClosedStoreRefusesEveryCallAndClosingTwiceIsHarmless() {
        HistoryStore store = open(fresh());
        store.close();
        store.close();
        assertThatThrownBy(() -> store.append(record("f", T0, 1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(store::flush).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> store.records("f", T0, T0)).hasMessageContaining("closed");
        assertThatThrownBy(() -> store.latest(1)).hasMessageContaining("closed");
        assertThatThrownBy(store::functions).hasMessageContaining("closed");
        assertThatThrownBy(() -> store.applyRetention(T0)).hasMessageContaining("closed");
    }

    @Test
    void badInputIsRejectedNamingTheFieldAndValue() {
        try (HistoryStore store = open(fresh())) {
            assertThatThrownBy(() -> store.append(null)).hasMessageContaining("execution record");
            assertThatThrownBy(() -> store.append(new ExecutionRecord("f", T0, 0, false, 0, 1, -2, -1, -1, -1, -1,
                    ExitKind.OK, Fixtures.LIMITS, false))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cpuMillis").hasMessageContaining("-2");
            assertThatThrownBy(() -> store.append(new ExecutionRecord("f", T0, 0, false, 0, 1, -1, -1, -1, -1, -7,
                    ExitKind.OK, Fixtures.LIMITS, false))).hasMessageContaining("netBytes");
            assertThatThrownBy(() -> store.append(record(" ", T0, 1))).hasMessageContaining("blank");
            assertThatThrownBy(() -> store.append(record("f", Instant.parse("+20000-01-01T00:00:00Z"), 1)))
                    .hasMessageContaining("arrival out of range");
            assertThatThrownBy(() -> store.records("f", T0.plusSeconds(1), T0)).hasMessageContaining("before its start");
            assertThatThrownBy(() -> store.records(null, T0, T0)).hasMessageContaining("function");
            assertThatThrownBy(() -> store.latest(0)).hasMessageContaining("got 0");
            assertThatThrownBy(() -> store.arrivalsPerMinute("f", T0, -1)).hasMessageContaining("got -1");
            store.flush();
            assertThat(store.latest(1)).as("nothing half-written").isEmpty();
        }
    }

    @Test
    void rangesReachingPastTheTimestampRangeAreClamped() {
        try (HistoryStore store = open(fresh())) {
            store.append(record("f", T0, 1));
            store.flush();
            assertThat(store.records("f", Instant.MIN, Instant.MAX)).hasSize(1);
            assertThat(store.rollups("f", Instant.MIN, Instant.MAX)).hasSize(1);
        }
    }

    @Test
    void arrivalsKeepTheirMicrosecondsToTheEdgesOfTheTimestampRange() {
        ExecutionRecord first = record("edge", Records.MIN, 1);
        ExecutionRecord last = record("edge", Records.END.minusNanos(1_000), 2);
        ExecutionRecord beforeEpoch = record("edge", Instant.parse("1969-12-31T23:59:59.999999Z"), 3);
        ExecutionRecord subMicro = record("edge", T0.plusNanos(1_999), 4);
        try (HistoryStore store = open(fresh())) {
            for (ExecutionRecord r : List.of(last, subMicro, beforeEpoch, first)) {
                store.append(r);
            }
            store.flush();
            assertThat(store.records("edge", Instant.MIN, Instant.MAX)).containsExactly(first, beforeEpoch,
                    record("edge", T0.plusNanos(1_000), 4), last);
            assertThat(store.rollups("edge", Instant.parse("1969-12-31T23:59:00Z"), Instant.EPOCH)).singleElement()
                    .extracting(MinuteRollup::runMillisMax).as("a minute before the epoch is its own").isEqualTo(3L);
            assertThat(store.arrivalsPerMinute("edge", Records.END.minusSeconds(60), 1)).containsExactly(1);
        }
    }

    @Test
    void aFullBufferMakesAppendWaitInsteadOfDropping() {
        HistoryOptions tiny = fresh().withBatchSize(2).withBufferCapacity(2)
                .withBatchInterval(Duration.ofMillis(1));
        try (HistoryStore store = open(tiny)) {
            for (int i = 0; i < 500; i++) {
                store.append(record("f", T0.plusMillis(i), i));
            }
            store.flush();
            assertThat(store.records("f", T0, T0.plusSeconds(1))).extracting(ExecutionRecord::runMillis)
                    .containsExactlyElementsOf(() -> java.util.stream.LongStream.range(0, 500).boxed().iterator());
        }
    }

    @Test
    void recordsAppendedFromManyThreadsAreAllKept() throws Exception {
        int threads = 4;
        int each = 5_000;
        try (HistoryStore store = open(durable()
                .withBatchSize(1000).withBufferCapacity(2000))) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String fn = "t" + t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        store.append(record(fn, T0.plusMillis(i), i));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();
            store.flush();
            for (int t = 0; t < threads; t++) {
                assertThat(store.records("t" + t, T0, T0.plusSeconds(60))).extracting(ExecutionRecord::runMillis)
                        .as("thread %d's records, in order", t)
                        .containsExactlyElementsOf(() -> java.util.stream.LongStream.range(0, each).boxed().iterator());
                assertThat(store.rollups("t" + t, T0, T0.plusSeconds(60))).singleElement()
                        .extracting(MinuteRollup::invocations).isEqualTo((long) each);
            }
        }
    }

    @Test
    void rawRowsCommittedWithoutTheirRollupsAreRolledUpOnOpen() throws Exception {
        try (HistoryStore store = open(durable())) {
            store.append(record("f", T0, 10));
        }
        // What a crash between the appender's commit and the rollup transaction leaves: rows above the watermark.
        execute("INSERT INTO executions SELECT seq + 1, fn, arrival + INTERVAL '1 minute', queue_ms, cold, init_ms,"
                + " 30, cpu_ms, peak_mem_bytes, io_read_bytes, io_write_bytes, net_bytes, exit, limit_cpu,"
                + " limit_mem_bytes, limit_disk_bytes, limit_io_bps, limit_net_bps, limit_raised FROM executions");
        try (HistoryStore store = open(durable())) {
            assertThat(store.arrivalsPerMinute("f", T0, 3)).containsExactly(1, 1, 0);
            assertThat(store.rollups("f", T0.plusSeconds(60), T0.plusSeconds(120))).singleElement()
                    .extracting(MinuteRollup::runMillisSum).isEqualTo(30L);
            store.append(record("f", T0, 5));
            store.flush();
            assertThat(store.arrivalsPerMinute("f", T0, 3)).as("no row rolled up twice").containsExactly(2, 1, 0);
        }
    }
}
