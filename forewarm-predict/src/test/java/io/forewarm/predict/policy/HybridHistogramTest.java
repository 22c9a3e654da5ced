package io.forewarm.predict.policy;

import io.forewarm.core.Window;
import io.forewarm.predict.Policies;
import io.forewarm.predict.UnitProfile;
import io.forewarm.predict.forecast.Arima;
import io.forewarm.predict.policy.HybridHistogram.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HybridHistogramTest {

    private static final long MINUTE = 60_000;
    private static final Window STANDARD = Window.ofMinutes(0, 240);

    private static HybridHistogram.Unit unit(String spec) {
        return (HybridHistogram.Unit) Policies.create(spec).newUnit(UnitProfile.of("u", 128, 1_000));
    }

    /** Feeds arrivals separated by {@code idleMinutes} (the first at minute 0); returns every window. */
    private static List<Window> run(HybridHistogram.Unit unit, int... idleMinutes) {
        List<Window> windows = new ArrayList<>();
        long minute = 0;
        windows.add(unit.onArrival(0));
        for (int it : idleMinutes) {
            minute += it;
            windows.add(unit.onArrival(minute * MINUTE));
        }
        unit.verify();
        return windows;
    }

    private static int[] repeat(int idle, int times) {
        int[] its = new int[times];
        Arrays.fill(its, idle);
        return its;
    }

    private static Window last(List<Window> windows) {
        return windows.get(windows.size() - 1);
    }

    @Test
    void aNewUnitGetsTheStandardFourHourKeepAlive() {
        HybridHistogram.Unit u = unit("hybrid");
        assertThat(u.onArrival(0)).isEqualTo(STANDARD);
        assertThat(u.mode()).isEqualTo(Mode.STANDARD);
        assertThat(u.explain()).isEqualTo("standard keep-alive: only 0 idle times so far");
        u.verify();
    }

    @Test
    void aRegularUnitExplainsItsHistogramWindow() {
        HybridHistogram.Unit u = unit("hybrid");
        run(u, repeat(10, 20));
        assertThat(u.mode()).isEqualTo(Mode.HISTOGRAM);
        assertThat(u.explain()).isEqualTo("idle-time histogram of 20 idle times: loaded from its 5th to its 99th"
                + " percentile");
    }

    @Test
    void aUnitInvokedEveryTenMinutesIsPrewarmedAtNineAndKeptUntilThirteen() {
        // Arrivals at minutes 0, 10, ..., 100. Arrival k has seen k ITs of 10 minutes; below min=10 ITs the
        // policy keeps the standard 4 h. At the 10th IT: all ten in bin [10, 11), CV = sqrt(240 - 1) >= 2.
        // head = 5th percentile -> bin 10, lower edge 10 min; prewarm = floor(0.9 * 10) = 9.
        // tail = 99th percentile -> bin 10, upper edge 11 min; end = ceil(1.1 * 11 = 12.1) = 13; keep = 13 - 9 = 4.
        List<Window> windows = run(unit("hybrid"), repeat(10, 10));
        assertThat(windows.subList(0, 10)).containsOnly(STANDARD);
        assertThat(last(windows)).isEqualTo(Window.ofMinutes(9, 4));
        assertThat(last(windows).isWarmAfter(10 * MINUTE)).isTrue();
        assertThat(last(windows).isWarmAfter(8 * MINUTE)).isFalse();
    }

    @Test
    void aJitteredUnitCoversItsSpreadWithTheMargins() {
        // ITs 9,10,11,10,10,9,11,10,10,10: sorted 9,9,10x6,11,11 (n = 10).
        // head: the ceil(0.05 * 10) = 1st IT = 9 -> prewarm = floor(0.9 * 9 = 8.1) = 8.
        // tail: the ceil(0.99 * 10) = 10th IT = 11 -> upper edge 12 -> end = ceil(13.2) = 14; keep = 14 - 8 = 6.
        HybridHistogram.Unit u = unit("hybrid");
        Window w = last(run(u, 9, 10, 11, 10, 10, 9, 11, 10, 10, 10));
        assertThat(w).isEqualTo(Window.ofMinutes(8, 6));
        assertThat(u.mode()).isEqualTo(Mode.HISTOGRAM);
    }

    @Test
    void aUnitActiveEveryMinuteIsKeptLoadedFromTheArrival() {
        // All ITs 1: head edge 1 -> prewarm floor(0.9) = 0, i.e. never unload; tail edge 2 -> end ceil(2.2) = 3.
        assertThat(last(run(unit("hybrid"), repeat(1, 30)))).isEqualTo(Window.ofMinutes(0, 3));
    }

    @Test
    void histogramWithCvExactlyTwoIsRepresentativeAndOneMoreSpreadBinIsNot() {
        // ITs 1..48 once each: CV^2 = 240 * 48 / 48^2 - 1 = 4, so CV = 2 >= 2: histogram.
        // head: ceil(0.05 * 48) = 3rd IT = 3 -> prewarm floor(2.7) = 2; tail: ceil(0.99 * 48) = 48th IT = 48 ->
        // upper edge 49 -> end ceil(53.9) = 54; keep = 52.
        int[] spread48 = new int[48];
        int[] spread49 = new int[49];
        for (int i = 0; i < 49; i++) {
            if (i < 48) {
                spread48[i] = i + 1;
            }
            spread49[i] = i + 1;
        }
        HybridHistogram.Unit representative = unit("hybrid");
        assertThat(last(run(representative, spread48))).isEqualTo(Window.ofMinutes(2, 52));
        assertThat(representative.histogram().cv()).isCloseTo(2.0, org.assertj.core.api.Assertions.within(1e-12));
        // ITs 1..49: CV^2 = 240 / 49 - 1 = 3.90 < 4: not representative, back to the standard keep-alive.
        HybridHistogram.Unit spread = unit("hybrid");
        assertThat(last(run(spread, spread49))).isEqualTo(STANDARD);
        assertThat(spread.mode()).isEqualTo(Mode.STANDARD);
    }

    @Test
    void aLowerCvThresholdAcceptsTheWiderSpread() {
        int[] spread = new int[120];
        for (int i = 0; i < spread.length; i++) {
            spread[i] = i + 1;
        }
        // CV = 1 for ITs 1..120 once each: standard at cv=2, histogram at cv=1.
        assertThat(last(run(unit("hybrid"), spread))).isEqualTo(STANDARD);
        HybridHistogram.Unit lenient = unit("hybrid:cv=1");
        run(lenient, spread);
        assertThat(lenient.mode()).isEqualTo(Mode.HISTOGRAM);
    }

    @Test
    void anOobHeavyUnitWithConstantIdleTimesIsForecastByArima() {
        // Every 6 hours: all ten ITs of 360 min are beyond the 240-min range (OOB fraction 1 > 0.5).
        // ARIMA on a constant series is the mean alone: next IT = 360.
        // prewarm = floor(0.85 * 360) = 306; end = ceil(1.15 * 360) = 414; keep = 108 (30% of 360).
        HybridHistogram.Unit u = unit("hybrid");
        List<Window> windows = run(u, repeat(360, 10));
        assertThat(windows.subList(0, 10)).containsOnly(STANDARD);
        assertThat(last(windows)).isEqualTo(Window.ofMinutes(306, 108));
        assertThat(u.mode()).isEqualTo(Mode.ARIMA);
        assertThat(u.fit().order()).isEqualTo(new Arima.Order(0, 0, 0));
    }

    @Test
    void anOobHeavyUnitWithGrowingIdleTimesFollowsTheTrend() {
        // ITs 300, 310, ..., 490 (20 values): KPSS rejects level stationarity, one difference leaves the
        // constant 10, so ARIMA(0,1,0) with drift 10 predicts 500.
        // prewarm = floor(0.85 * 500) = 425; end = ceil(1.15 * 500) = 575; keep = 150.
        int[] its = new int[20];
        for (int i = 0; i < its.length; i++) {
            its[i] = 300 + 10 * i;
        }
        HybridHistogram.Unit u = unit("hybrid:refit=1");
        assertThat(last(run(u, its))).isEqualTo(Window.ofMinutes(425, 150));
        assertThat(u.fit().order()).isEqualTo(new Arima.Order(0, 1, 0));
    }

    @Test
    void withArimaOffAnOobHeavyUnitKeepsTheStandardWindow() {
        HybridHistogram.Unit u = unit("hybrid:arima=off");
        assertThat(last(run(u, repeat(360, 12)))).isEqualTo(STANDARD);
        assertThat(u.fit()).isNull();
        assertThat(u.stateBytes()).isLessThan(200); // no bins (no in-range IT) and no ARIMA history
    }

    @Test
    void exactlyHalfOutOfBoundsStaysWithTheHistogramAndOneMoreSwitchesToArima() {
        // ITs alternate 10 and 300. After 10 ITs: 5 OOB of 10, not more than half: the histogram of five 10s
        // gives prewarm 9, keep 4 as for the every-ten-minutes unit. The 11th IT (300) makes 6 of 11 OOB: ARIMA.
        int[] its = new int[11];
        for (int i = 0; i < its.length; i++) {
            its[i] = i % 2 == 0 ? 300 : 10;
        }
        HybridHistogram.Unit u = unit("hybrid");
        List<Window> windows = run(u, its);
        assertThat(windows.get(10)).isEqualTo(Window.ofMinutes(9, 4));
        assertThat(u.mode()).isEqualTo(Mode.ARIMA);
        double[] series = Arrays.stream(its).asDoubleStream().toArray();
        double predicted = Math.max(1, Arima.autoFit(series, 1, 1, 1).forecast(series));
        long prewarm = (long) Math.floor(0.85 * predicted + 1e-9);
        long end = (long) Math.ceil(1.15 * predicted - 1e-9);
        assertThat(last(windows)).isEqualTo(Window.ofMinutes(prewarm, end - prewarm));
    }

    @Test
    void theArimaModelIsReselectedEveryFourNewIdleTimesAndForecastsInBetween() {
        Random random = new Random(17);
        HybridHistogram.Unit u = unit("hybrid");
        long minute = 0;
        u.onArrival(0);
        List<Arima.Fit> fits = new ArrayList<>();
        for (int i = 1; i <= 22; i++) {
            minute += 250 + random.nextInt(400);
            u.onArrival(minute * MINUTE);
            fits.add(u.fit());
        }
        u.verify();
        // First fit at the 10th IT (index 9), new ones at the 14th and 18th and 22nd, the same object between.
        assertThat(fits.subList(0, 9)).containsOnlyNulls();
        assertThat(fits.get(9)).isNotNull();
        for (int i = 10; i < fits.size(); i++) {
            boolean refitted = (i + 1 - 10) % 4 == 0;
            if (refitted) {
                assertThat(fits.get(i)).as("IT %d", i + 1).isNotSameAs(fits.get(i - 1));
            } else {
                assertThat(fits.get(i)).as("IT %d", i + 1).isSameAs(fits.get(i - 1));
            }
        }
    }

    @Test
    void anArrivalAtTheSameInstantAddsNoIdleTimeAndRepeatsTheWindow() {
        HybridHistogram.Unit u = unit("hybrid");
        List<Window> windows = run(u, repeat(10, 10));
        Window again = u.onArrival(100 * MINUTE);
        assertThat(again).isSameAs(last(windows));
        assertThat(u.histogram().total()).isEqualTo(10);
        u.verify();
    }

    @Test
    void aSteadyUnitGetsTheSameWindowInstanceBack() {
        HybridHistogram.Unit u = unit("hybrid");
        List<Window> windows = run(u, repeat(10, 20));
        assertThat(windows.get(20)).isSameAs(windows.get(11));
    }

    @Test
    void subMinuteIdleTimesFallInTheFirstBin() {
        // Live use: arrivals 20 s apart are ITs in [0, 1): head edge 0 -> prewarm 0; tail edge 1 -> end ceil(1.1) = 2.
        HybridHistogram.Unit u = unit("hybrid");
        Window w = null;
        for (int i = 0; i <= 10; i++) {
            w = u.onArrival(i * 20_000L);
        }
        assertThat(w).isEqualTo(Window.ofMinutes(0, 2));
        u.verify();
    }

    @Test
    void widerBinsRoundTheHeadDownAndTheTailUpToTheirEdges() {
        // bin=5: ITs of 12 fall in [10, 15). prewarm = floor(0.9 * 10) = 9; end = ceil(1.1 * 15 = 16.5) = 17.
        assertThat(last(run(unit("hybrid:bin=5"), repeat(12, 10)))).isEqualTo(Window.ofMinutes(9, 8));
    }

    @Test
    void aPositionalValueSetsTheRange() {
        HybridHistogram policy = (HybridHistogram) Policies.create("hybrid:120");
        assertThat(policy.config().rangeMinutes()).isEqualTo(120);
        assertThat(policy.spec()).isEqualTo("hybrid:120");
        HybridHistogram.Unit u = (HybridHistogram.Unit) policy.newUnit(UnitProfile.of("u", 1, 1));
        assertThat(u.onArrival(0)).isEqualTo(Window.ofMinutes(0, 120));
        // 180-minute ITs are beyond a 120-minute range: ARIMA on a constant 180 -> prewarm 153, keep 54.
        assertThat(last(run(unit("hybrid:range=120"), repeat(180, 10)))).isEqualTo(Window.ofMinutes(153, 54));
    }

    @Test
    void defaultsAreThePapers() {
        HybridHistogram policy = (HybridHistogram) Policies.create("hybrid");
        assertThat(policy.config()).isEqualTo(HybridHistogram.Config.PAPER);
        assertThat(HybridHistogram.Config.PAPER.binCount()).isEqualTo(240);
        assertThat(Policies.names()).contains("hybrid");
        assertThat(Policies.describe()).contains("hybrid: Shahrad et al.");
    }

    @Test
    void everyParameterCanBeSet() {
        HybridHistogram policy = (HybridHistogram) Policies.create(
                "hybrid:range=120,bin=2,head=10,tail=95,margin=0.2,cv=1.5,oob=0.6,min=5,arima=off,"
                        + "arimaMargin=0.1,history=32,refit=2");
        assertThat(policy.config()).isEqualTo(
                new HybridHistogram.Config(120, 2, 10, 95, 0.2, 1.5, 0.6, 5, false, 0.1, 32, 2));
    }

    @Test
    void badParametersFailNamingKeyAndValue() {
        assertThatThrownBy(() -> Policies.create("hybrid:rnage=240"))
                .hasMessageContaining("unknown parameter rnage=240");
        assertThatThrownBy(() -> Policies.create("hybrid:range=0"))
                .hasMessageContaining("hybrid:range=0").hasMessageContaining("range=0 must be in [1, 10080]");
        assertThatThrownBy(() -> Policies.create("hybrid:range=100,bin=3"))
                .hasMessageContaining("range=100 must be a whole number of bins of 3.0 minutes");
        assertThatThrownBy(() -> Policies.create("hybrid:head=50,tail=40"))
                .hasMessageContaining("tail=40 must be in [head, 100]");
        assertThatThrownBy(() -> Policies.create("hybrid:arima=maybe"))
                .hasMessageContaining("arima=maybe must be on or off");
        assertThatThrownBy(() -> Policies.create("hybrid:min=2.5"))
                .hasMessageContaining("min=2.5 is not a whole number");
        assertThatThrownBy(() -> Policies.create("hybrid:margin=1"))
                .hasMessageContaining("margin=1 must be in [0, 1)");
        assertThatThrownBy(() -> Policies.create("hybrid:cv=abc")).hasMessageContaining("cv=abc is not a number");
        assertThatThrownBy(() -> Policies.create("hybrid:history=2"))
                .hasMessageContaining("history=2 must be in [4, 1024]");
    }

    @Test
    void stateStaysUnderTwoKilobytesAndCountsWhatItHolds() {
        HybridHistogram.Unit fresh = unit("hybrid");
        long empty = fresh.stateBytes();
        assertThat(empty).isLessThan(200);
        // Fill every structure: in-range ITs (the 240 bins), then OOB ITs (the ARIMA history and a fit).
        HybridHistogram.Unit full = unit("hybrid");
        int[] its = new int[200];
        for (int i = 0; i < its.length; i++) {
            its[i] = i < 50 ? 1 + i % 239 : 250 + i;
        }
        run(full, its);
        assertThat(full.mode()).isEqualTo(Mode.ARIMA);
        assertThat(full.stateBytes())
                .isGreaterThanOrEqualTo(empty + 16 + 240 * 4 + 16 + 64 * 4) // bins and the float ring at least
                .isLessThan(2_048);
    }

    @Test
    void timeGoingBackFailsNamingTheUnit() {
        HybridHistogram.Unit u = unit("hybrid");
        u.onArrival(5 * MINUTE);
        assertThatThrownBy(() -> u.onArrival(4 * MINUTE)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unit u").hasMessageContaining("before the previous one");
    }

    @Test
    void verifyNamesABrokenHistogramTotal() throws ReflectiveOperationException {
        HybridHistogram.Unit u = unit("hybrid");
        run(u, repeat(10, 12));
        java.lang.reflect.Field inRange = IdleTimeHistogram.class.getDeclaredField("inRange");
        inRange.setAccessible(true);
        inRange.setInt(u.histogram(), 11);
        assertThatThrownBy(u::verify).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("histogram total 12 != in-range idle times recorded 11");
    }

    @Test
    void verifyNamesAMissingIdleTime() throws ReflectiveOperationException {
        HybridHistogram.Unit u = unit("hybrid");
        run(u, repeat(10, 12));
        java.lang.reflect.Field arrivals = HybridHistogram.Unit.class.getDeclaredField("arrivals");
        arrivals.setAccessible(true);
        arrivals.setInt(u, 14);
        assertThatThrownBy(u::verify).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("idle times != 13 recorded");
    }

    /**
     * Random timelines mixing regimes: every window is checked against percentiles and a CV computed from a
     * sorted copy of the ITs, independently of the histogram's incremental bookkeeping.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void windowsMatchABruteForceReading(long seed) {
        Random random = new Random(seed);
        HybridHistogram.Unit u = unit("hybrid");
        List<Integer> its = new ArrayList<>();
        long minute = 0;
        u.onArrival(0);
        int regimeLength = 0;
        int base = 1;
        java.util.Set<Mode> seen = java.util.EnumSet.noneOf(Mode.class);
        for (int i = 0; i < 400; i++) {
            if (regimeLength-- <= 0) {
                regimeLength = 20 + random.nextInt(80);
                base = switch (random.nextInt(4)) {
                    case 0 -> 1;
                    case 1 -> 5 + random.nextInt(60);
                    case 2 -> 1 + random.nextInt(230);
                    default -> 200 + random.nextInt(600);
                };
            }
            int it = Math.max(1, base + random.nextInt(1 + base / 5) - base / 10);
            if (random.nextInt(10) == 0) {
                it = 1 + random.nextInt(239); // noise anywhere in range
            }
            its.add(it);
            minute += it;
            Window w = u.onArrival(minute * MINUTE);
            seen.add(u.mode());
            Window expected = bruteForce(its);
            if (expected != null) {
                assertThat(w).as("after %d ITs", its.size()).isEqualTo(expected);
            } else {
                assertThat(u.mode()).as("after %d ITs", its.size()).isEqualTo(Mode.ARIMA);
                assertThat(w.keepAliveMillis()).isPositive();
            }
        }
        u.verify();
        assertThat(u.stateBytes()).isLessThan(2_048);
        assertThat(seen).as("branches taken").contains(Mode.STANDARD, Mode.HISTOGRAM);
    }

    /** The standard or histogram window the paper's rules give, or null where ARIMA decides. */
    private static Window bruteForce(List<Integer> its) {
        if (its.size() < 10) {
            return STANDARD;
        }
        int[] inRange = its.stream().mapToInt(Integer::intValue).filter(it -> it < 240).sorted().toArray();
        int oob = its.size() - inRange.length;
        if (oob > 0.5 * its.size()) {
            return null;
        }
        int n = inRange.length;
        long[] counts = new long[240];
        for (int it : inRange) {
            counts[it]++;
        }
        double mean = n / 240.0;
        double variance = 0;
        for (long c : counts) {
            variance += (c - mean) * (c - mean);
        }
        double cv = Math.sqrt(variance / 240) / mean;
        if (cv < 2 - 1e-9) {
            return STANDARD;
        }
        int head = inRange[Math.max(0, (int) Math.ceil(0.05 * n - 1e-9) - 1)];
        int tail = inRange[Math.max(0, (int) Math.ceil(0.99 * n - 1e-9) - 1)];
        long prewarm = (long) Math.floor(0.9 * head + 1e-9);
        long end = (long) Math.ceil(1.1 * (tail + 1) - 1e-9);
        return Window.ofMinutes(prewarm, end - prewarm);
    }
}
