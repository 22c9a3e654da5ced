package io.forewarm.history;

import java.nio.file.Path;
import java.time.Duration;

import static io.forewarm.history.Fixtures.T0;
import static io.forewarm.history.Fixtures.record;

/**
 * Run in a child JVM by {@link CrashDurabilityTest}: appends {@code count} records, flushes, prints
 * {@link #MARKER}, then keeps appending until it is killed.
 */
final class CrashChild {

    static final String MARKER = "FLUSHED";

    private CrashChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path file = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        HistoryStore store = DuckDbHistoryStore.open(HistoryOptions.file(file).withBatchInterval(Duration.ofMillis(20)));
        for (int i = 0; i < count; i++) {
            store.append(record("crash", T0.plusMillis(i), i));
        }
        store.flush();
        System.out.println(MARKER);
        System.out.flush();
        // Keep the writer busy so the kill lands mid-stream, never at a quiet point.
        for (int i = count; ; i++) {
            store.append(record("crash", T0.plusMillis(i), i));
            if (i % 1000 == 0) {
                Thread.sleep(1);
            }
        }
    }
}
