package io.forewarm.engine;

import io.forewarm.core.ExecutionRecord;
import io.forewarm.core.ExitKind;
import io.forewarm.core.ResourceVector;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

class RecorderTest {

    private static ExecutionRecord record(int i) {
        return new ExecutionRecord("f", Instant.ofEpochMilli(i), 0, false, 0, 1, -1, -1, -1, -1, -1, ExitKind.OK,
                ResourceVector.ZERO, false);
    }

    @Test
    void handsEveryRecordToTheSinkInOrder() throws InterruptedException {
        List<ExecutionRecord> got = Collections.synchronizedList(new ArrayList<>());
        try (Recorder r = new Recorder(got::add, 1000)) {
            for (int i = 0; i < 500; i++) {
                r.record(record(i));
            }
            r.flush();
            assertThat(got).extracting(x -> x.arrival().toEpochMilli()).containsExactlyElementsOf(
                    java.util.stream.IntStream.range(0, 500).mapToObj(i -> (long) i).toList());
            assertThat(r.dropped()).isZero();
        }
    }

    @Test
    void aStuckSinkCostsDroppedAndCountedRecordsNotAStuckCaller() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        List<ExecutionRecord> got = Collections.synchronizedList(new ArrayList<>());
        try (Recorder r = new Recorder(x -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            got.add(x);
        }, 4)) {
            for (int i = 0; i < 20; i++) {
                r.record(record(i)); // returns at once even though the sink is stuck
            }
            assertThat(r.dropped()).isBetween(15L, 16L); // 4 buffered, maybe 1 taken by the writer
            release.countDown();
            r.flush();
            assertThat(got.size() + r.dropped()).isEqualTo(20);
        }
    }

    @Test
    void aFailingSinkIsCountedAndTheWriterCarriesOn() throws InterruptedException {
        List<ExecutionRecord> got = Collections.synchronizedList(new ArrayList<>());
        try (Recorder r = new Recorder(x -> {
            if (x.arrival().toEpochMilli() == 1) {
                throw new IllegalStateException("store down");
            }
            got.add(x);
        }, 10)) {
            for (int i = 0; i < 3; i++) {
                r.record(record(i));
            }
            r.flush();
            assertThat(got).hasSize(2);
            assertThat(r.failed()).isEqualTo(1);
        }
    }
}
