package io.forewarm.predict.policy;

import io.forewarm.predict.Policies;
import io.forewarm.predict.Policy;
import io.forewarm.predict.UnitPolicy;
import io.forewarm.predict.UnitProfile;

import java.util.Random;

/**
 * A rough, JMH-free measure of the hybrid policy's cost per arrival, run by hand (not a test: timings on a
 * shared build machine prove nothing). Replays synthetic 14-day minute timelines for a mix of units shaped
 * like the Azure trace: a few hot ones active most minutes, regular timers, noisy ones, rare OOB-heavy ones.
 * Usage: {@code java -cp <test-classes>:<classes>:<core>:<commons-math3> io.forewarm.predict.policy.HybridTiming [units [spec]]}.
 */
final class HybridTiming {

    private HybridTiming() {
    }

    public static void main(String[] args) {
        int units = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        // fixed:10 does nothing per arrival, so its figure is the harness's own cost (the timeline's Random).
        String spec = args.length > 1 ? args[1] : "hybrid";
        for (int round = 0; round < 3; round++) {
            run(units, spec, round == 2);
        }
    }

    private static void run(int units, String spec, boolean report) {
        Policy policy = Policies.create(spec);
        Random random = new Random(1);
        long minutes = 14 * 24 * 60;
        long[] calls = new long[4];
        long[] nanos = new long[4];
        long bytes = 0;
        for (int u = 0; u < units; u++) {
            int kind = u % 20 == 0 ? 0 : u % 20 < 8 ? 1 : u % 20 < 14 ? 2 : 3;
            UnitPolicy unit = policy.newUnit(UnitProfile.of("f" + u, 128, 1_000));
            int period = 5 + random.nextInt(60);
            long start = System.nanoTime();
            long n = 0;
            for (long m = 0; m < minutes; ) {
                unit.onArrival(m * 60_000);
                n++;
                m += switch (kind) {
                    case 0 -> random.nextInt(10) == 0 ? 2 : 1;             // hot
                    case 1 -> period;                                        // timer
                    case 2 -> 1 + random.nextInt(2 * period);                // noisy, in range
                    default -> 200 + random.nextInt(900);                    // rare, mostly OOB
                };
            }
            nanos[kind] += System.nanoTime() - start;
            calls[kind] += n;
            unit.verify();
            bytes += unit.stateBytes();
        }
        if (report) {
            String[] names = {"hot", "timer", "noisy", "oob-heavy"};
            long allCalls = 0;
            long allNanos = 0;
            for (int k = 0; k < 4; k++) {
                System.out.printf("%-10s %10d arrivals %8.1f ns/arrival%n", names[k], calls[k],
                        (double) nanos[k] / calls[k]);
                allCalls += calls[k];
                allNanos += nanos[k];
            }
            System.out.printf("%-10s %10d arrivals %8.1f ns/arrival, %d bytes/unit on average%n", "all", allCalls,
                    (double) allNanos / allCalls, bytes / units);
        }
    }
}
