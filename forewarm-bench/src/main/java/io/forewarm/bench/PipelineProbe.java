package io.forewarm.bench;

import io.forewarm.examples.Echo;
import io.forewarm.examples.Launchers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * What pipelining the worker protocol could buy: echo worker JVMs driven over their pipes directly (no
 * sandbox, no engine), one caller thread each, writing {@code depth} INVOKE frames in one write and then
 * reading the {@code depth} RESULTs, so one pair of cross-process wake-ups serves {@code depth} invocations.
 * Depth 1 is today's protocol use: one frame, one reply. Usage: {@code PipelineProbe [workers=4]
 * [depths=1,8] [seconds=8] [virtual|platform]}; each depth runs on fresh workers after a 5 s warm-up.
 */
public final class PipelineProbe {

    private PipelineProbe() {
    }

    /** Prints invocations per second for each depth. */
    public static void main(String[] args) throws Exception {
        int workers = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        String depths = args.length > 1 ? args[1] : "1,8";
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        boolean virtual = args.length < 4 || args[3].equals("virtual");
        List<String> argv = Launchers.java("echo", Echo.class).build().argv();
        for (String d : depths.split(",")) {
            int depth = Integer.parseInt(d);
            System.out.printf(Locale.ROOT, "%d echo workers, depth %d, %s callers: %,.0f invocations/s%n", workers,
                    depth, virtual ? "virtual" : "platform", run(argv, workers, depth, seconds, virtual));
        }
    }

    private static double run(List<String> argv, int workers, int depth, int seconds, boolean virtual)
            throws IOException, InterruptedException {
        long from = System.nanoTime() + 5_000_000_000L;
        long until = from + seconds * 1_000_000_000L;
        LongAdder done = new LongAdder();
        List<RawWorker> started = new ArrayList<>();
        List<Thread> callers = new ArrayList<>();
        try {
            for (int w = 0; w < workers; w++) {
                RawWorker worker = RawWorker.start(argv);
                started.add(worker);
                byte[] batch = RawWorker.frames(RawWorker.INVOKE, depth, new byte[64]);
                Runnable caller = () -> {
                    try {
                        while (System.nanoTime() < until) {
                            worker.send(batch);
                            for (int k = 0; k < depth; k++) {
                                worker.expect(RawWorker.RESULT);
                            }
                            if (System.nanoTime() >= from) {
                                done.add(depth);
                            }
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                };
                callers.add(virtual ? Thread.ofVirtual().start(caller) : Thread.ofPlatform().start(caller));
            }
            for (Thread t : callers) {
                t.join();
            }
        } finally {
            started.forEach(RawWorker::close);
        }
        return done.sum() / (double) seconds;
    }
}
