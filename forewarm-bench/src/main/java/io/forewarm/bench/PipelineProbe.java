package io.forewarm.bench;

import io.forewarm.examples.Echo;
import io.forewarm.examples.Launchers;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
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

    private static final int INIT = 1;
    private static final int READY = 2;
    private static final int INVOKE = 3;
    private static final int RESULT = 4;

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
        List<Process> processes = new ArrayList<>();
        List<Thread> callers = new ArrayList<>();
        try {
            for (int w = 0; w < workers; w++) {
                Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                processes.add(p);
                DataOutputStream out = new DataOutputStream(p.getOutputStream());
                DataInputStream in = new DataInputStream(new BufferedInputStream(p.getInputStream(), 1 << 16));
                out.write(frames(INIT, 1, new byte[0]));
                out.flush();
                expect(in, READY);
                byte[] batch = frames(INVOKE, depth, new byte[64]);
                Runnable caller = () -> {
                    try {
                        while (System.nanoTime() < until) {
                            out.write(batch);
                            out.flush();
                            for (int k = 0; k < depth; k++) {
                                expect(in, RESULT);
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
            processes.forEach(Process::destroyForcibly);
        }
        return done.sum() / (double) seconds;
    }

    /** {@code n} copies of one frame (type, 4-byte length, payload), back to back. */
    private static byte[] frames(int type, int n, byte[] payload) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(buf);
        for (int i = 0; i < n; i++) {
            out.writeByte(type);
            out.writeInt(payload.length);
            out.write(payload);
        }
        return buf.toByteArray();
    }

    private static void expect(DataInputStream in, int type) throws IOException {
        int t = in.read();
        in.readFully(new byte[in.readInt()]);
        if (t != type) {
            throw new IOException("expected frame type " + type + " but got " + t);
        }
    }
}
