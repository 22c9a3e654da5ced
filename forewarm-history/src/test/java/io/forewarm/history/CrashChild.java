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

    /** Arguments: how many records to flush, then the backend, directory and (PostgreSQL) URL and schema. */
    public static void main(String[] args) throws InterruptedException {
        int count = Integer.parseInt(args[0]);
        Backend backend = Backend.valueOf(args[1]);
        Backend.Place place = new Backend.Place(backend, Path.of(args[2]),
                backend == Backend.DUCKDB ? null : PostgresTarget.of(args[3]).withSchema(args[4]));
        HistoryStore store = place.open(place.durable().withBatchInterval(Duration.ofMillis(20)));
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
