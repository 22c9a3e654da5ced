package io.forewarm.predict;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CronTest {

    private static long at(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    private static String next(String cron, String zone, String after) {
        return Instant.ofEpochMilli(Cron.parse(cron, ZoneId.of(zone)).nextAfter(at(after))).toString();
    }

    @ParameterizedTest(name = "{0} in {1} after {2} is {3}")
    @CsvSource(delimiter = '|', value = {
            "*/15 * * * *       | UTC              | 2026-01-05T10:07:30Z | 2026-01-05T10:15:00Z",
            "*/15 * * * *       | UTC              | 2026-01-05T10:15:00Z | 2026-01-05T10:30:00Z",
            "0 9 * * MON-FRI    | UTC              | 2026-01-09T09:00:00Z | 2026-01-12T09:00:00Z",
            "30 2 1 jan *       | UTC              | 2026-01-01T02:31:00Z | 2027-01-01T02:30:00Z",
            "0 0 29 2 *         | UTC              | 2026-03-01T00:00:00Z | 2028-02-29T00:00:00Z",
            "0 0 13 * FRI       | UTC              | 2026-01-01T00:00:00Z | 2026-01-02T00:00:00Z",
            "0 0 * * 7          | UTC              | 2026-01-05T00:00:00Z | 2026-01-11T00:00:00Z",
            "5/20 8-10 * * *    | UTC              | 2026-01-05T10:45:00Z | 2026-01-06T08:05:00Z",
            "1,2,59 23 31 12 *  | UTC              | 2026-12-31T23:02:00Z | 2026-12-31T23:59:00Z",
            "@daily             | UTC              | 2026-01-05T10:00:00Z | 2026-01-06T00:00:00Z",
            "0 9 * * *          | Europe/Berlin    | 2026-01-05T09:00:00Z | 2026-01-06T08:00:00Z",
            "0 9 * * *          | Europe/Berlin    | 2026-07-05T09:00:00Z | 2026-07-06T07:00:00Z",
            // 02:30 does not exist on 2026-03-29 in Berlin; it comes again the next day
            "30 2 * * *         | Europe/Berlin    | 2026-03-28T02:00:00Z | 2026-03-30T00:30:00Z",
            // 02:30 happens twice on 2026-10-25 in Berlin: at 00:30Z and at 01:30Z
            "30 2 * * *         | Europe/Berlin    | 2026-10-25T00:30:00Z | 2026-10-25T01:30:00Z",
    })
    void nextOccurrencesOfKnownExpressions(String cron, String zone, String after, String expected) {
        assertThat(next(cron.strip(), zone.strip(), after.strip())).isEqualTo(expected.strip());
    }

    @Test
    void anImpossibleDateNeverComes() {
        assertThat(Cron.parse("0 0 30 2 *").nextAfter(at("2026-01-01T00:00:00Z"))).isEqualTo(Long.MAX_VALUE);
        assertThat(Cron.parse("0 0 31 4,6,9,11 *").nextAfter(0)).isEqualTo(Long.MAX_VALUE);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0 9 * *            | has 4 fields",
            "61 * * * *         | minute field '61': 61 is outside 0-59",
            "0 24 * * *         | hour field '24': 24 is outside 0-23",
            "0 0 0 * *          | day-of-month field '0': 0 is outside 1-31",
            "0 0 * FOO *        | month field 'FOO': 'FOO' is not a number or a month name",
            "0 0 * * MON-SUN    | day-of-week field 'MON-SUN': range MON-SUN runs backwards",
            "*/0 * * * *        | minute field '*/0': step 0 must be >= 1",
            "1,,2 * * * *       | minute field '1,,2' has an empty list item",
            "@fortnightly       | unknown shorthand",
    })
    void badExpressionsFailNamingTheField(String cron, String message) {
        assertThatThrownBy(() -> Cron.parse(cron.strip())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message.strip());
    }

    @Test
    void anEmptyExpressionIsRefused() {
        assertThatThrownBy(() -> Cron.parse(" ")).hasMessageContaining("empty");
    }

    private static final String[] ZONES = {"UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe",
            "Asia/Kolkata"};
    private static final String[] MONTHS = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT",
            "NOV", "DEC"};
    private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

    /** One random field: '*', a value, a range, a step or a list of those; names for months and days. */
    private static String field(Random rnd, int min, int max, String[] names) {
        int items = 1 + (rnd.nextInt(4) == 0 ? rnd.nextInt(3) : 0);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            int a = min + rnd.nextInt(max - min + 1);
            int b = a + rnd.nextInt(max - a + 1);
            String va = names != null && rnd.nextBoolean() ? names[a - min] : Integer.toString(a);
            String vb = names != null && rnd.nextBoolean() ? names[b - min] : Integer.toString(b);
            out.add(switch (rnd.nextInt(6)) {
                case 0, 1 -> "*";
                case 2 -> va;
                case 3 -> va + "-" + vb;
                case 4 -> "*/" + (1 + rnd.nextInt(Math.max(1, (max - min) / 2)));
                default -> va + "-" + vb + "/" + (1 + rnd.nextInt(3));
            });
        }
        return String.join(",", out);
    }

    /** The reference: every minute, one after the other, until one matches or {@code limit} minutes passed. */
    private static long bruteForce(Cron cron, long after, int limit) {
        long minute = Math.floorDiv(after, 60_000) + 1;
        for (int i = 0; i < limit; i++, minute++) {
            if (cron.matches(ZonedDateTime.ofInstant(Instant.ofEpochMilli(minute * 60_000), cron.zone()))) {
                return minute * 60_000;
            }
        }
        return Long.MAX_VALUE;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void nextAfterAgreesWithAMinuteByMinuteSearch(long seed) {
        Random rnd = new Random(seed);
        int limit = 75 * 1440; // beyond this the reference gives up; then the answer must lie beyond it too
        for (int c = 0; c < 30; c++) {
            String expr = field(rnd, 0, 59, null) + " " + field(rnd, 0, 23, null) + " "
                    + (rnd.nextInt(3) == 0 ? field(rnd, 1, 31, null) : "*") + " "
                    + (rnd.nextInt(3) == 0 ? field(rnd, 1, 12, MONTHS) : "*") + " "
                    + (rnd.nextInt(3) == 0 ? field(rnd, 0, 6, DAYS) : "*");
            Cron cron = Cron.parse(expr, ZoneId.of(ZONES[rnd.nextInt(ZONES.length)]));
            long after = at("2024-01-01T00:00:00Z") + (long) (rnd.nextDouble() * 3 * 365 * 86_400_000L);
            long expected = bruteForce(cron, after, limit);
            long actual = cron.nextAfter(after);
            if (expected == Long.MAX_VALUE) {
                assertThat(actual).as("%s after %s", cron, Instant.ofEpochMilli(after))
                        .isGreaterThan(after + limit * 60_000L);
            } else {
                assertThat(Instant.ofEpochMilli(actual)).as("%s after %s", cron, Instant.ofEpochMilli(after))
                        .isEqualTo(Instant.ofEpochMilli(expected));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Europe/Berlin", "America/New_York", "Australia/Lord_Howe"})
    void everyMinuteAcrossADaylightSavingYearMatchesTheReference(String zone) {
        // every 7 minutes through the transitions of 2026: one chain of nextAfter calls against the reference
        Cron cron = Cron.parse("*/7 0-3 * * *", ZoneId.of(zone));
        long t = at("2026-01-01T00:00:00Z");
        long end = at("2027-01-01T00:00:00Z");
        while (t < end) {
            long next = cron.nextAfter(t);
            assertThat(next).as("%s after %s", cron, Instant.ofEpochMilli(t)).isEqualTo(bruteForce(cron, t, 1440));
            t = next;
        }
    }
}
