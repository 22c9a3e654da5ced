package io.forewarm.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A worker process spoken to directly over its pipes in the worker protocol (docs/worker-protocol.md): no
 * sandbox, cgroup, namespace or engine. What it costs is the floor under any design that runs a function in a
 * process of its own and talks to it through pipes.
 */
final class RawWorker implements AutoCloseable {

    static final int INIT = 1;
    static final int READY = 2;
    static final int INVOKE = 3;
    static final int RESULT = 4;

    private final Process process;
    private final DataOutputStream out;
    private final DataInputStream in;

    private RawWorker(Process process) {
        this.process = process;
        this.out = new DataOutputStream(process.getOutputStream());
        this.in = new DataInputStream(new BufferedInputStream(process.getInputStream(), 1 << 16));
    }

    /** Starts {@code argv}, sends INIT and waits for READY. */
    static RawWorker start(List<String> argv) throws IOException {
        RawWorker w = new RawWorker(new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start());
        w.send(frames(INIT, 1, new byte[0]));
        w.expect(READY);
        return w;
    }

    /** Writes {@code frames} (built by {@link #frames}) in one write. */
    void send(byte[] frames) throws IOException {
        out.write(frames);
        out.flush();
    }

    /** Reads one frame of {@code type} and returns its payload. */
    byte[] expect(int type) throws IOException {
        int t = in.read();
        byte[] payload = new byte[in.readInt()];
        in.readFully(payload);
        if (t != type) {
            throw new IOException("expected frame type " + type + " but got " + t);
        }
        return payload;
    }

    /** One invocation: an INVOKE frame out, its RESULT's payload back. */
    byte[] invoke(byte[] payload) throws IOException {
        send(frames(INVOKE, 1, payload));
        return expect(RESULT);
    }

    /** {@code n} copies of one frame (type, 4-byte length, payload), back to back. */
    static byte[] frames(int type, int n, byte[] payload) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DataOutputStream frames = new DataOutputStream(buf);
        for (int i = 0; i < n; i++) {
            frames.writeByte(type);
            frames.writeInt(payload.length);
            frames.write(payload);
        }
        return buf.toByteArray();
    }

    /**
     * Pipelined use: callers of {@link #submit} write their frames as they come, under a lock, and one reader
     * thread completes their answers in order, so the worker finds the next input already waiting.
     */
    private final Queue<CompletableFuture<byte[]>> awaiting = new ConcurrentLinkedQueue<>();
    private final ReentrantLock sending = new ReentrantLock();

    /** Starts the reader of {@link #submit}'s answers (a virtual thread, as the server's handlers are). */
    RawWorker pipelined() {
        Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    byte[] answer = expect(RESULT);
                    awaiting.poll().complete(answer);
                }
            } catch (IOException e) {
                awaiting.forEach(f -> f.completeExceptionally(e));
            }
        });
        return this;
    }

    /** One invocation on a {@link #pipelined} worker: its INVOKE frame goes out now, its answer comes in order. */
    CompletableFuture<byte[]> submit(byte[] payload) throws IOException {
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        sending.lock();
        try {
            awaiting.add(answer);
            send(frames(INVOKE, 1, payload));
        } finally {
            sending.unlock();
        }
        return answer;
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
