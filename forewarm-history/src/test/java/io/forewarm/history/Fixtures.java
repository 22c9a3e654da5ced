package io.forewarm.history;

import io.forewarm.core.ExecutionRecord;
import io.forewarm.core.ExitKind;
import io.forewarm.core.ResourceVector;

import java.time.Instant;
import java.util.Random;

/** Records for tests: one with every field set, and seeded random ones. */
final class Fixtures {

    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    static final ResourceVector LIMITS = new ResourceVector(1.5, 256L << 20, 1L << 30, 50_000_000, 10_000_000);

    private Fixtures() {
    }

    /** A warm OK execution of {@code function} at {@code arrival} with every measurement known. */
    static ExecutionRecord record(String function, Instant arrival, long runMillis) {
        return new ExecutionRecord(function, arrival, 3, false, 0, runMillis, runMillis / 2, 64L << 20, 4096,
                8192, 1500, ExitKind.OK, LIMITS, false);
    }

    /** A random record of one of {@code functions} functions within {@code spanMillis} of {@link #T0}. */
    static ExecutionRecord random(Random rnd, int functions, long spanMillis) {
        ExitKind[] kinds = ExitKind.values();
        boolean cold = rnd.nextInt(4) == 0;
        return new ExecutionRecord("fn-" + rnd.nextInt(functions),
                T0.plusMillis((long) (rnd.nextDouble() * spanMillis)).plusNanos(rnd.nextInt(1000) * 1000L),
                rnd.nextInt(50), cold, cold ? rnd.nextInt(2000) : 0, rnd.nextInt(10_000), unknownOr(rnd, 5000),
                unknownOr(rnd, 1L << 30), unknownOr(rnd, 1 << 20), unknownOr(rnd, 1 << 20), unknownOr(rnd, 1 << 16),
                rnd.nextInt(3) == 0 ? kinds[rnd.nextInt(kinds.length)] : ExitKind.OK,
                new ResourceVector(rnd.nextInt(8) / 2.0, rnd.nextInt(1024) * (1L << 20), 0, 0, 0), rnd.nextBoolean());
    }

    private static long unknownOr(Random rnd, long bound) {
        return rnd.nextInt(5) == 0 ? -1 : (long) (rnd.nextDouble() * bound);
    }
}
