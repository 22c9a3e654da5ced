package io.forewarm.history;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class RollupSealingTest {

    @Test
    void onlyWholeDaysThatEndedAnHourAgoAreSealedTheOldestFirst() {
        long day4 = Instant.parse("2026-03-04T00:00:00Z").getEpochSecond() / 60;
        long day5 = day4 + 1440;
        long longAgo = day4 - 10 * 1440 + 17;
        assertThat(RollupSealing.sealBeforeMinute(Instant.parse("2026-03-05T00:59:00Z"), day4 - 1)).isEqualTo(day4);
        assertThat(RollupSealing.sealBeforeMinute(Instant.parse("2026-03-05T01:00:00Z"), day4 - 1)).isEqualTo(day4);
        assertThat(RollupSealing.sealBeforeMinute(Instant.parse("2026-03-05T01:00:00Z"), day4)).isEqualTo(day5);
        assertThat(RollupSealing.sealBeforeMinute(Instant.parse("2026-03-05T01:00:00Z"), longAgo))
                .as("one day per pass").isEqualTo(day4 - 9 * 1440);
        assertThat(RollupSealing.sealBeforeMinute(Instant.parse("2026-03-05T01:00:00Z"), day5 + 5))
                .as("nothing hot is old enough").isLessThanOrEqualTo(day5 + 5);
    }
}
