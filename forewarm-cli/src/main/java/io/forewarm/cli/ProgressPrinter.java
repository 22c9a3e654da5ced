package io.forewarm.cli;

import io.forewarm.sim.Progress;

import java.io.PrintWriter;

/** Prints progress of long runs on stderr, at most every two seconds and only after the first two. */
final class ProgressPrinter implements Progress {

    private static final long INTERVAL_NANOS = 2_000_000_000L;

    private final PrintWriter err;
    private final boolean quiet;
    private final long start = System.nanoTime();
    private long last = start;
    private boolean printed;

    ProgressPrinter(PrintWriter err, boolean quiet) {
        this.err = err;
        this.quiet = quiet;
    }

    @Override
    public synchronized void update(String stage, long done, long total) {
        long now = System.nanoTime();
        if (quiet || now - last < INTERVAL_NANOS) {
            return;
        }
        last = now;
        printed = true;
        String of = total > 0 ? String.format(" of %d (%.0f%%)", total, 100.0 * done / total) : "";
        err.printf("[%5.1fs] %s: %d%s%n", (now - start) / 1e9, stage, done, of);
        err.flush();
    }

    /** Closes the progress output with the total time, if anything was printed. */
    synchronized void done() {
        if (printed && !quiet) {
            err.printf("[%5.1fs] done%n", (System.nanoTime() - start) / 1e9);
            err.flush();
        }
    }
}
