package io.forewarm.sim.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceReadersTest {

    static final Path AZURE2019 = Path.of("../traces/azure2019/sample500_8h");
    static final Path AZURE2021 = Path.of("../traces/azure2021/Azure2021_200.csv");

    static List<FunctionSeries> readAll(Trace trace) throws IOException {
        List<FunctionSeries> out = new ArrayList<>();
        trace.forEach(out::add);
        return out;
    }

    @Test
    void bundledAzure2019ExcerptReadsEveryFunctionAndInvocation() throws IOException {
        Trace trace = TraceFormats.open(null, AZURE2019);
        List<FunctionSeries> all = readAll(trace);

        long expected = 0;
        for (String line : Files.readAllLines(AZURE2019.resolve("invocations.csv")).subList(1, 501)) {
            String[] cells = line.split(",");
            for (int i = 4; i < cells.length; i++) {
                expected += Long.parseLong(cells[i]);
            }
        }
        assertThat(trace.description()).startsWith("azure2019");
        assertThat(trace.firstMinute()).isEqualTo(480);
        assertThat(trace.minutes()).isEqualTo(480);
        assertThat(all).hasSize(500);
        assertThat(all.stream().map(s -> s.key().unit(Unit.APP)).distinct()).hasSize(476);
        assertThat(all.stream().mapToLong(FunctionSeries::invocations).sum()).isEqualTo(expected);
        assertThat(all).allSatisfy(s -> {
            assertThat(s.arrivalMillis()).isNull();
            assertThat(s.durations()).isNotNull();
            assertThat(s.memoryMb()).isPositive();
            assertThat(Arrays.stream(s.activeMinutes()).allMatch(m -> m >= 480 && m <= 959)).isTrue();
        });
    }

    @Test
    void bundledAzure2019FirstRowMatchesItsCells() throws IOException {
        String[] cells = Files.readAllLines(AZURE2019.resolve("invocations.csv")).get(1).split(",");
        FunctionSeries first = readAll(TraceFormats.open("azure2019", AZURE2019)).getFirst();

        assertThat(first.key()).isEqualTo(new FunctionKey(cells[0], cells[1], cells[2], cells[3]));
        for (int i = 0; i < first.activeMinutes().length; i++) {
            assertThat(Integer.parseInt(cells[4 + first.activeMinutes()[i] - 480])).isEqualTo(first.counts()[i]);
        }
    }

    @Test
    void perAppMemorySplitsEvenlyAndSumsBackPerApp(@TempDir Path dir) throws IOException {
        Files.copy(AZURE2019.resolve("invocations.csv"), dir.resolve("invocations.csv"));
        Map<String, Double> appMemory = new LinkedHashMap<>();
        Random rnd = new Random(7);
        for (String line : Files.readAllLines(AZURE2019.resolve("invocations.csv")).subList(1, 501)) {
            String[] c = line.split(",", 3);
            appMemory.putIfAbsent(c[0] + "/" + c[1], 50.0 + rnd.nextInt(500));
        }
        StringBuilder csv = new StringBuilder("HashOwner,HashApp,SampleCount,AverageAllocatedMb\n");
        appMemory.forEach((app, mb) -> csv.append(app.replace('/', ',')).append(",10,").append(mb).append('\n'));
        Files.writeString(dir.resolve("memory.csv"), csv);

        Map<String, Double> sums = new HashMap<>();
        Map<String, Set<Double>> shares = new HashMap<>();
        for (FunctionSeries s : readAll(TraceFormats.open(null, dir))) {
            sums.merge(s.key().unit(Unit.APP), s.memoryMb(), Double::sum);
            shares.computeIfAbsent(s.key().unit(Unit.APP), k -> new HashSet<>()).add(s.memoryMb());
            assertThat(s.durations()).isNull();
        }
        assertThat(sums.keySet()).isEqualTo(appMemory.keySet());
        appMemory.forEach((app, mb) -> assertThat(sums.get(app)).isCloseTo(mb, within(1e-9)));
        assertThat(shares.values()).allSatisfy(s -> assertThat(s).hasSize(1));
    }

    @Test
    void bundledMemoryPercentilesMatchTheFirstRowsCells() throws IOException {
        String[] head = Files.readAllLines(AZURE2019.resolve("memory.csv")).get(0).split(",");
        String[] cells = Files.readAllLines(AZURE2019.resolve("memory.csv")).get(1).split(",");
        FunctionSeries s = readAll(TraceFormats.open("azure2019", AZURE2019)).stream()
                .filter(f -> f.key().function().equals(cells[0])).findFirst().orElseThrow();
        assertThat(head[5]).isEqualTo("AverageAllocatedMb_pct1");
        MemoryProfile m = s.memory();
        assertThat(new double[] {m.averageMb(), m.p1(), m.p5(), m.p25(), m.p50(), m.p75(), m.p95(), m.p99(),
                m.p100()}).containsExactly(Arrays.stream(cells, 4, 13).mapToDouble(Double::parseDouble)
                .toArray());
        assertThat(s.memoryMb()).isEqualTo(m.averageMb());
    }

    @Test
    void perAppMemoryPercentilesSplitLikeTheAverage(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("invocations.csv"), "HashOwner,HashApp,HashFunction,Trigger,1,2\n"
                + "o,a,f,http,1,0\no,a,g,http,0,1\n");
        Files.writeString(dir.resolve("memory.csv"), "HashOwner,HashApp,SampleCount,AverageAllocatedMb,"
                + "AverageAllocatedMb_pct1,AverageAllocatedMb_pct5,AverageAllocatedMb_pct25,AverageAllocatedMb_pct50,"
                + "AverageAllocatedMb_pct75,AverageAllocatedMb_pct95,AverageAllocatedMb_pct99,"
                + "AverageAllocatedMb_pct100\no,a,5,200,100,120,160,200,240,280,300,400\n");
        List<FunctionSeries> fs = readAll(TraceFormats.open(null, dir));
        assertThat(fs).extracting(FunctionSeries::memory).containsOnly(
                new MemoryProfile(100, 50, 60, 80, 100, 120, 140, 150, 200));
        // Without the percentile columns there is an average but no distribution.
        Files.writeString(dir.resolve("memory.csv"), "HashOwner,HashApp,AverageAllocatedMb\no,a,200\n");
        assertThat(readAll(TraceFormats.open(null, dir))).allSatisfy(f -> {
            assertThat(f.memoryMb()).isEqualTo(100);
            assertThat(f.memory()).isNull();
        });
    }

    @Test
    void memoryQuantilesInterpolateBetweenThePercentiles() {
        MemoryProfile m = new MemoryProfile(100, 50, 60, 80, 100, 120, 140, 150, 200);
        double[] ranks = java.util.stream.IntStream.rangeClosed(0, 100).mapToDouble(i -> i).toArray();
        assertThat(MemoryProfile.ofSamples(ranks)).isEqualTo(new MemoryProfile(50, 1, 5, 25, 50, 75, 95, 99, 100));
        assertThat(m.quantile(0)).isEqualTo(50);
        assertThat(m.quantile(0.5)).isEqualTo(100);
        assertThat(m.quantile(0.375)).isEqualTo(90);
        assertThat(m.quantile(0.995)).isCloseTo(175, within(1e-9));
        assertThat(m.quantile(1)).isEqualTo(200);
        assertThat(m.plus(m).scaled(0.5)).isEqualTo(m);
    }

    @Test
    void bundledPerFunctionMemoryIsTheExcerptsEvenSplit() throws IOException {
        Map<String, Set<Double>> perApp = new HashMap<>();
        for (FunctionSeries s : readAll(TraceFormats.open(null, AZURE2019))) {
            perApp.computeIfAbsent(s.key().unit(Unit.APP), k -> new HashSet<>()).add(s.memoryMb());
        }
        assertThat(perApp.values()).allSatisfy(s -> assertThat(s).hasSize(1));
    }

    @Test
    void bundledAzure2021ReadsEveryInvocationWithExactArrivals() throws IOException {
        List<String> lines = Files.readAllLines(AZURE2021);
        Map<String, List<Long>> expected = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(",");
            long arrival = Math.round((Double.parseDouble(c[2]) - Double.parseDouble(c[3])) * 1000);
            expected.computeIfAbsent(c[0] + "/" + c[1], k -> new ArrayList<>()).add(arrival);
        }
        Trace trace = TraceFormats.open(null, AZURE2021);
        List<FunctionSeries> all = readAll(trace);

        assertThat(trace.description()).startsWith("azure2021");
        assertThat(all.stream().mapToLong(FunctionSeries::invocations).sum()).isEqualTo(199);
        assertThat(all).hasSize(expected.size());
        int first = Integer.MAX_VALUE;
        for (FunctionSeries s : all) {
            long[] want = expected.get(s.key().app() + "/" + s.key().function()).stream()
                    .mapToLong(Long::longValue).sorted().toArray();
            assertThat(s.arrivalMillis()).containsExactly(want);
            assertThat(s.invocations()).isEqualTo(want.length);
            assertThat(s.durations()).isNotNull();
            assertThat(s.memoryMb()).isNaN();
            first = Math.min(first, s.activeMinutes()[0]);
        }
        assertThat(trace.firstMinute()).isEqualTo(first);
    }

    @Test
    void genericCsvRoundTripsInvocationsWithColumnsInAnyOrder(@TempDir Path dir) throws IOException {
        Random rnd = new Random(42);
        Map<String, List<Long>> arrivals = new HashMap<>();
        Map<String, List<Double>> durations = new HashMap<>();
        StringBuilder csv = new StringBuilder("memory_mb,duration_ms,function,timestamp,app\n");
        for (int i = 0; i < 2000; i++) {
            String fn = "f" + rnd.nextInt(30);
            long ms = 1_700_000_000_000L + rnd.nextInt(6 * 3_600_000);
            double dur = rnd.nextInt(100_000) / 10.0;
            arrivals.computeIfAbsent(fn, k -> new ArrayList<>()).add(ms);
            durations.computeIfAbsent(fn, k -> new ArrayList<>()).add(dur);
            String ts = rnd.nextBoolean() ? (ms / 1000) + "." + String.format("%03d", ms % 1000)
                    : java.time.Instant.ofEpochMilli(ms).toString();
            csv.append(128).append(',').append(dur).append(',').append(fn).append(',').append(ts)
                    .append(',').append("app-").append(fn).append('\n');
        }
        Path file = dir.resolve("calls.csv");
        Files.writeString(file, csv);

        List<FunctionSeries> all = readAll(TraceFormats.open(null, file));
        assertThat(all).hasSize(arrivals.size());
        for (FunctionSeries s : all) {
            String fn = s.key().function();
            assertThat(s.key()).isEqualTo(new FunctionKey("", "app-" + fn, fn, ""));
            assertThat(s.arrivalMillis()).containsExactly(
                    arrivals.get(fn).stream().mapToLong(Long::longValue).sorted().toArray());
            long[] minutes = Arrays.stream(s.arrivalMillis()).map(a -> a / 60_000).distinct().toArray();
            assertThat(Arrays.stream(s.activeMinutes()).asLongStream().toArray()).containsExactly(minutes);
            assertThat(s.durations()).isEqualTo(DurationProfile.ofSamples(
                    durations.get(fn).stream().mapToDouble(Double::doubleValue).toArray()));
            assertThat(s.memoryMb()).isEqualTo(128);
            assertThat(s.memory()).as("one figure per row: their distribution").isEqualTo(MemoryProfile.constant(128));
        }
    }

    @Test
    void genericCsvDefaultsAppToTheFunction(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("t.csv");
        Files.writeString(file, "timestamp,function\n120.5,a\n60,a\n61,b\n");
        Trace trace = TraceFormats.open("csv", file);
        List<FunctionSeries> all = readAll(trace);

        assertThat(trace.firstMinute()).isEqualTo(1);
        assertThat(trace.minutes()).isEqualTo(2);
        assertThat(all.getFirst().key()).isEqualTo(new FunctionKey("", "a", "a", ""));
        assertThat(all.getFirst().arrivalMillis()).containsExactly(60_000, 120_500);
        assertThat(all.getFirst().activeMinutes()).containsExactly(1, 2);
        assertThat(all.getFirst().durations()).isNull();
        assertThat(all.get(1).counts()).containsExactly(1);
    }

    @Test
    void durationProfileOfSamplesInterpolatesBetweenRanks() {
        DurationProfile p = DurationProfile.ofSamples(new double[] {40, 10, 30, 20, 50});
        assertThat(p).isEqualTo(new DurationProfile(30, 10, 10.4, 20, 30, 40, 49.6, 50));
    }
}
