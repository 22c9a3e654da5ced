package io.forewarm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.forewarm.core.FunctionSpec;
import io.forewarm.examples.CpuHeavy;
import io.forewarm.examples.Echo;
import io.forewarm.examples.Launchers;
import io.forewarm.examples.SlowInit;
import io.forewarm.server.SpecCodec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The {@code serve --demo} workload: deploys the example functions through the API and drives a short synthetic
 * workload against them, a timer-like function (the slow-init JVM worker every few seconds), a bursty one (the
 * echo worker, several concurrent calls at a time) and a rare one (the cpu-heavy worker, twice), printing each
 * invocation as cold or warm with its latency, and a tally per kind at the end.
 */
final class Demo {

    /**
     * One planned invocation.
     *
     * @param atMillis  offset from the start of the workload
     * @param function  the function
     * @param payload   what it is sent
     */
    record Event(long atMillis, String function, String payload) {
    }

    private final ApiClient client;
    private final PrintWriter out;
    private final Duration length;
    private final Map<String, Tally> tallies = new TreeMap<>();
    private final Tally total = new Tally();

    Demo(ApiClient client, PrintWriter out, Duration length) {
        this.client = client;
        this.out = out;
        this.length = length;
    }

    /**
     * The example functions, as deployed. A JVM worker starts in well under a second here, but the demo is often a
     * newcomer's first run on a machine still busy building: they get 30 s to start instead of the default 10.
     */
    static List<FunctionSpec> functions() {
        Duration start = Duration.ofSeconds(30);
        return List.of(
                Launchers.java("timer", SlowInit.class).initTimeout(start).build(),
                Launchers.java("bursty", Echo.class).initTimeout(start).build(),
                Launchers.java("rare", CpuHeavy.class).initTimeout(start).build());
    }

    /**
     * The workload over {@code length}: the timer every twelfth of it, three bursts of five concurrent calls,
     * and the rare function at a fifth and at nine tenths.
     */
    static List<Event> timeline(Duration length) {
        long l = length.toMillis();
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            events.add(new Event(i * l / 12, "timer", "k" + (1000 + i)));
        }
        for (double at : new double[] {0.1, 0.45, 0.8}) {
            for (int i = 0; i < 5; i++) {
                events.add(new Event((long) (at * l), "bursty", "hello " + i));
            }
        }
        events.add(new Event(l / 5, "rare", "200000"));
        events.add(new Event(l * 9 / 10, "rare", "200000"));
        events.sort(Comparator.comparingLong(Event::atMillis));
        return events;
    }

    /** Deploys the functions, runs the timeline, prints as it goes and the tallies at the end. */
    void run() throws InterruptedException {
        out.printf("%nDemo: deploying the example functions%n");
        for (FunctionSpec f : functions()) {
            ObjectNode spec = SpecCodec.write(f);
            client.put("/v1/functions/" + f.name(), spec);
            out.printf("  %-7s %s%n", f.name(), describe(f.name()));
        }
        out.printf("%nDriving %d invocations over %d s (each line: when, function, cold or warm, latency)%n",
                timeline(length).size(), length.toSeconds());
        out.flush();
        long start = System.nanoTime();
        List<Future<?>> running = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Event e : timeline(length)) {
                long wait = e.atMillis() - (System.nanoTime() - start) / 1_000_000;
                if (wait > 0) {
                    Thread.sleep(wait);
                }
                running.add(pool.submit(() -> invoke(e, start)));
            }
        }
        out.printf("%n%-7s %6s %14s %6s %14s%n", "", "cold", "cold latency", "warm", "warm latency");
        tallies.forEach((fn, t) -> out.printf("%-7s %6d %11.1f ms %6d %11.1f ms%n", fn, t.cold, t.coldMean(),
                t.warm, t.warmMean()));
        Tally all = total;
        out.printf("%-7s %6d %11.1f ms %6d %11.1f ms   (means; failures: %d)%n", "all", all.cold, all.coldMean(),
                all.warm, all.warmMean(), all.failed);
        out.flush();
    }

    private static String describe(String name) {
        return switch (name) {
            case "timer" -> "slow-init JVM worker (300 ms of initialization), called like a timer";
            case "bursty" -> "echo worker, called in bursts of 5 concurrent requests";
            default -> "cpu-heavy worker (counts primes), called rarely";
        };
    }

    private void invoke(Event e, long start) {
        long t0 = System.nanoTime();
        String line;
        Tally t;
        synchronized (tallies) {
            t = tallies.computeIfAbsent(e.function(), k -> new Tally());
        }
        try {
            ApiClient.Response r = client.post("/v1/functions/" + e.function() + "/invocations",
                    e.payload().getBytes(StandardCharsets.UTF_8));
            double ms = (System.nanoTime() - t0) / 1e6;
            boolean cold = r.header("X-Forewarm-Start").equals("cold");
            t.record(cold, ms);
            line = String.format(Locale.ROOT, "%6.1fs  %-7s %-4s %8.1f ms   %s%s", (t0 - start) / 1e9,
                    e.function(), cold ? "cold" : "warm", ms, total.recordAndSummarize(cold, ms),
                    cold ? "  init " + r.header("X-Forewarm-Init-Ms") + " ms" : "");
        } catch (ApiClient.Failure f) {
            t.failed();
            total.failed();
            line = String.format(Locale.ROOT, "%6.1fs  %-7s failed: %s", (t0 - start) / 1e9, e.function(),
                    f.getMessage());
        }
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    /** Counts and latency sums of one function's cold and warm invocations. */
    static final class Tally {
        private int cold;
        private int warm;
        private int failed;
        private double coldMillis;
        private double warmMillis;

        synchronized void record(boolean isCold, double ms) {
            if (isCold) {
                cold++;
                coldMillis += ms;
            } else {
                warm++;
                warmMillis += ms;
            }
        }

        /** Records one invocation and says, in one consistent view, what all so far add up to. */
        synchronized String recordAndSummarize(boolean isCold, double ms) {
            record(isCold, ms);
            return String.format(Locale.ROOT, "so far: %3d cold (mean %6.1f ms), %3d warm (mean %5.1f ms)", cold,
                    coldMean(), warm, warmMean());
        }

        synchronized void failed() {
            failed++;
        }

        synchronized double coldMean() {
            return cold == 0 ? 0 : coldMillis / cold;
        }

        synchronized double warmMean() {
            return warm == 0 ? 0 : warmMillis / warm;
        }
    }
}
