package io.forewarm.sim.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TraceGeneratorTest {

    private static final List<String> FILES = List.of("invocations.csv", "durations.csv", "memory.csv",
            "patterns.csv");

    @TempDir
    static Path shared;

    static TraceGenerator.Summary summary;
    static Trace trace;
    static Map<String, FunctionSeries> series = new HashMap<>();
    static Map<String, String[]> patterns = new HashMap<>();

    /** One two-week trace, read back through the Azure 2019 reader, shared by the pattern checks. */
    @BeforeAll
    static void generateTwoWeeks() throws IOException {
        summary = TraceGenerator.generate(new TraceGenerator.Options(600, 14, 11), shared);
        trace = TraceFormats.open(null, shared);
        trace.forEach(s -> series.put(id(s.key()), s));
        for (String line : Files.readAllLines(shared.resolve("patterns.csv")).subList(1, summary.functions() + 1)) {
            String[] c = line.split(",", 5);
            patterns.put(c[0] + "," + c[1] + "," + c[2], new String[] {c[3], c[4]});
        }
    }

    static String id(FunctionKey k) {
        return k.owner() + "," + k.app() + "," + k.function();
    }

    @Test
    void outputReadsBackThroughTheAzure2019Reader() {
        assertThat(trace.firstMinute()).isZero();
        assertThat(trace.minutes()).isEqualTo(14 * 1440);
        assertThat(series).hasSize(600).hasSize(summary.functions());
        assertThat(series.values().stream().mapToLong(FunctionSeries::invocations).sum())
                .isEqualTo(summary.invocations());
        assertThat(series.values().stream().map(s -> s.key().unit(Unit.APP)).distinct()).hasSize(summary.apps());
        assertThat(series.values()).allSatisfy(s -> {
            assertThat(s.durations()).isNotNull();
            assertThat(s.durations().p0()).isLessThanOrEqualTo(s.durations().p50());
            assertThat(s.memoryMb()).isBetween(16.0, 4096.0);
        });
        assertThat(patterns.keySet()).isEqualTo(series.keySet());
    }

    @Test
    void appStructureIsMostlySingleFunctionWithSomeLargeApps() {
        Map<String, Integer> sizes = new HashMap<>();
        series.values().forEach(s -> sizes.merge(s.key().unit(Unit.APP), 1, Integer::sum));
        long single = sizes.values().stream().filter(n -> n == 1).count();
        assertThat((double) single / sizes.size()).isBetween(0.55, 0.85);
        assertThat(sizes.values().stream().mapToInt(Integer::intValue).max().orElseThrow()).isGreaterThan(3);
    }

    @Test
    void everyPatternKindOccurs() {
        assertThat(summary.patterns()).containsOnlyKeys("timer", "diurnal", "weekly", "bursty", "rare", "chain",
                "drift");
        assertThat(summary.patterns().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(600);
    }

    @Test
    void timersTickOnTheirPeriodExceptForRareMissedTicks() {
        int checked = 0;
        for (var e : patterns.entrySet()) {
            if (e.getValue()[0].equals("timer")) {
                assertPeriodic(series.get(e.getKey()), params(e.getValue()[1]), 0, trace.minutes());
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(50);
    }

    @Test
    void chainFollowersRepeatTheirLeaderAfterAFixedDelay() {
        int checked = 0;
        for (var e : patterns.entrySet()) {
            if (e.getValue()[0].equals("chain")) {
                Map<String, String> p = params(e.getValue()[1]);
                FunctionSeries b = series.get(e.getKey());
                String[] key = e.getKey().split(",");
                FunctionSeries a = series.get(key[0] + "," + key[1] + "," + p.get("leader"));
                int delay = Integer.parseInt(p.get("delay"));
                int[] ac = dense(a);
                int[] bc = dense(b);
                for (int m = 0; m + delay < bc.length; m++) {
                    assertThat(bc[m + delay]).as("minute %d", m + delay).isEqualTo(ac[m]);
                }
                assertThat(b.invocations()).isPositive();
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(10);
    }

    @Test
    void diurnalLoadPeaksAtItsPeakHourAndWeeklyLoadDropsOnWeekends() {
        int diurnal = 0;
        int weekly = 0;
        for (var e : patterns.entrySet()) {
            String kind = e.getValue()[0];
            if (!kind.equals("diurnal") && !kind.equals("weekly")) {
                continue;
            }
            Map<String, String> p = params(e.getValue()[1]);
            int[] c = dense(series.get(e.getKey()));
            int peak = Integer.parseInt(p.get("peak"));
            long nearPeak = 0;
            long nearTrough = 0;
            long weekday = 0;
            long weekend = 0;
            for (int m = 0; m < c.length; m++) {
                int fromPeak = Math.floorMod(m % 1440 - peak, 1440);
                if (fromPeak < 240 || fromPeak >= 1200) {
                    nearPeak += c[m];
                } else if (fromPeak >= 480 && fromPeak < 960) {
                    nearTrough += c[m];
                }
                if (Pattern.weekend(m)) {
                    weekend += c[m];
                } else {
                    weekday += c[m];
                }
            }
            if (nearPeak + nearTrough > 2000) {
                assertThat(nearPeak).as(e.getKey()).isGreaterThan(nearTrough);
                diurnal++;
            }
            if (kind.equals("weekly") && weekday + weekend > 2000) {
                assertThat(weekend / 4.0).as(e.getKey()).isLessThan(weekday / 10.0 * 0.6);
                weekly++;
            }
        }
        assertThat(diurnal).isGreaterThan(20);
        assertThat(weekly).isGreaterThan(5);
    }

    @Test
    void rareFunctionsGetAFewCallsADayAndBurstyOnesComeInSessions() {
        int rare = 0;
        int bursty = 0;
        for (var e : patterns.entrySet()) {
            FunctionSeries s = series.get(e.getKey());
            if (e.getValue()[0].equals("rare")) {
                assertThat(s.invocations()).isLessThan(14 * 15);
                rare++;
            } else if (e.getValue()[0].equals("bursty")) {
                int[] m = s.activeMinutes();
                int longestGap = 0;
                for (int i = 1; i < m.length; i++) {
                    longestGap = Math.max(longestGap, m[i] - m[i - 1]);
                }
                assertThat(longestGap).as(e.getKey()).isGreaterThanOrEqualTo(60);
                assertThat(m.length).isLessThan(trace.minutes() / 2);
                bursty++;
            }
        }
        assertThat(rare).isGreaterThan(10);
        assertThat(bursty).isGreaterThan(10);
    }

    @Test
    void driftingTimersKeepTheirPeriodOnlyOnTheirSideOfTheChangeDay() {
        int checked = 0;
        for (var e : patterns.entrySet()) {
            if (!e.getValue()[0].equals("drift")) {
                continue;
            }
            Map<String, String> p = params(e.getValue()[1]);
            int change = Integer.parseInt(p.get("day")) * 1440;
            for (String side : List.of("before", "after")) {
                String inner = p.get(side);
                if (inner.startsWith("timer(")) {
                    Map<String, String> timer = params(inner.substring(6, inner.length() - 1).replace(' ', ';'));
                    FunctionSeries s = series.get(e.getKey());
                    int from = side.equals("before") ? 0 : change;
                    int to = side.equals("before") ? change : trace.minutes();
                    assertPeriodic(s, timer, from, to);
                    checked++;
                }
            }
        }
        assertThat(checked).isPositive();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void sameSeedGivesTheSameBytes(long seed, @TempDir Path dir) throws IOException {
        TraceGenerator.Options o = new TraceGenerator.Options(150, 2, seed);
        TraceGenerator.generate(o, dir.resolve("a"));
        TraceGenerator.generate(o, dir.resolve("b"));
        TraceGenerator.generate(new TraceGenerator.Options(150, 2, seed + 100), dir.resolve("c"));
        for (String f : FILES) {
            assertThat(Files.mismatch(dir.resolve("a").resolve(f), dir.resolve("b").resolve(f))).isEqualTo(-1);
            assertThat(Files.mismatch(dir.resolve("a").resolve(f), dir.resolve("c").resolve(f))).isNotEqualTo(-1);
        }
    }

    @Test
    void badOptionsNameTheOptionAndValue() {
        assertThatThrownBy(() -> new TraceGenerator.Options(0, 1, 1)).hasMessageContaining("functions")
                .hasMessageContaining("0");
        assertThatThrownBy(() -> new TraceGenerator.Options(1, 400, 1)).hasMessageContaining("days")
                .hasMessageContaining("400");
    }

    private static void assertPeriodic(FunctionSeries s, Map<String, String> timer, int from, int to) {
        int period = Integer.parseInt(timer.get("period"));
        int phase = Integer.parseInt(timer.get("phase"));
        int perTick = Integer.parseInt(timer.get("perTick"));
        int ticks = 0;
        int expected = 0;
        for (int m = from; m < to; m++) {
            if (Math.floorMod(m - phase, period) == 0) {
                expected++;
            }
        }
        int[] active = s.activeMinutes();
        for (int i = 0; i < active.length; i++) {
            if (active[i] >= from && active[i] < to) {
                assertThat(Math.floorMod(active[i] - phase, period)).as("%s minute %d", s.key(), active[i])
                        .isZero();
                assertThat(s.counts()[i]).isEqualTo(perTick);
                ticks++;
            }
        }
        assertThat(expected - ticks).as("missed ticks of %s", s.key()).isBetween(0, 2 + expected / 20);
    }

    private static int[] dense(FunctionSeries s) {
        int[] c = new int[trace.minutes()];
        for (int i = 0; i < s.activeMinutes().length; i++) {
            c[s.activeMinutes()[i]] = s.counts()[i];
        }
        return c;
    }

    private static Map<String, String> params(String text) {
        Map<String, String> out = new HashMap<>();
        for (String kv : text.split(";")) {
            int eq = kv.indexOf('=');
            out.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return out;
    }
}
