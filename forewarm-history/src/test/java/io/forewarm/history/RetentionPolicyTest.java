package io.forewarm.history;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetentionPolicyTest {

    private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");

    @Test
    void keepAllNeverCutsAnything() {
        assertThat(RetentionPolicy.KEEP_ALL.rawCutoff(NOW)).isEqualTo(Instant.MIN);
        assertThat(RetentionPolicy.KEEP_ALL.rollupCutoff(NOW)).isEqualTo(Instant.MIN);
        assertThat(RetentionPolicy.KEEP_ALL.rawRowsToDrop(1_000_000, Long.MAX_VALUE - 1)).isZero();
    }

    @Test
    void cutoffsAreNowMinusTheAges() {
        RetentionPolicy p = RetentionPolicy.KEEP_ALL.withRawMaxAge(Duration.ofDays(14))
                .withRollupMaxAge(Duration.ofDays(90));
        assertThat(p.rawCutoff(NOW)).isEqualTo(Instant.parse("2026-02-16T10:00:00Z"));
        assertThat(p.rollupCutoff(NOW)).isEqualTo(Instant.parse("2025-12-02T10:00:00Z"));
    }

    @Test
    void rowsToDropMeetTheStricterOfTheRowAndByteLimits() {
        RetentionPolicy p = RetentionPolicy.KEEP_ALL.withMaxRawRows(800).withMaxBytes(10_000);
        assertThat(p.rawRowsToDrop(1000, 5_000)).isEqualTo(200);
        assertThat(p.rawRowsToDrop(1000, 20_000)).isEqualTo(500);
        assertThat(p.withMaxRawRows(Long.MAX_VALUE).rawRowsToDrop(1000, 10_001)).isEqualTo(1);
        assertThat(p.rawRowsToDrop(700, 10_000)).isZero();
        assertThat(p.rawRowsToDrop(0, 50_000)).as("no raw rows left to drop").isZero();
        assertThat(p.rawRowsToDrop(10, 1_000_000_000)).isEqualTo(10);
    }

    @Test
    void invalidPoliciesNameTheLimit() {
        assertThatThrownBy(() -> RetentionPolicy.KEEP_ALL.withRawMaxAge(Duration.ZERO))
                .hasMessageContaining("rawMaxAge").hasMessageContaining("PT0S");
        assertThatThrownBy(() -> RetentionPolicy.KEEP_ALL.withRawMaxAge(Duration.ofDays(2))
                .withRollupMaxAge(Duration.ofDays(1))).hasMessageContaining("rollupMaxAge (PT24H)");
        assertThatThrownBy(() -> RetentionPolicy.KEEP_ALL.withMaxRawRows(0)).hasMessageContaining("maxRawRows");
        assertThatThrownBy(() -> RetentionPolicy.KEEP_ALL.withMaxBytes(-5)).hasMessageContaining("maxBytes must be > 0, got -5");
        assertThatThrownBy(() -> RetentionPolicy.KEEP_ALL.withRawMaxAge(null)).hasMessageContaining("rawMaxAge");
        assertThatThrownBy(() -> RetentionPolicy.KEEP_ALL.rawRowsToDrop(-1, 0)).hasMessageContaining("rawRows=-1");
    }

    @Test
    void invalidOptionsNameTheOption() {
        assertThatThrownBy(() -> HistoryOptions.inMemory().withBatchSize(0)).hasMessageContaining("batchSize");
        assertThatThrownBy(() -> HistoryOptions.inMemory().withBatchInterval(Duration.ZERO))
                .hasMessageContaining("batchInterval");
        assertThatThrownBy(() -> HistoryOptions.inMemory().withBufferCapacity(10))
                .hasMessageContaining("bufferCapacity (10) must be >= batchSize (10000)");
        assertThatThrownBy(() -> HistoryOptions.file(null)).hasMessageContaining("history file");
    }
}
