package io.forewarm.sandbox;

import io.forewarm.core.ExitKind;
import io.forewarm.core.FunctionSpec;
import io.forewarm.core.ResourceVector;
import io.forewarm.sandbox.Frames.Frame;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A sandbox with a long-lived worker speaking the framed protocol. A reader thread turns stdout into a queue of
 * frames, so every wait is a bounded poll; writes run on their own virtual thread so a worker that stops reading
 * cannot block the caller either.
 */
final class WorkerSandbox extends AbstractSandbox {

    /** The reader's last word: the stream ended or broke the protocol. */
    private record Ended(boolean protocol, String reason) {
    }

    private final BlockingQueue<Object> replies = new LinkedBlockingQueue<>();
    private final Process process;
    private final DataOutputStream stdin;
    /** Set by the reader when stdout ends or breaks the protocol: the worker is gone even if no call noticed. */
    private volatile boolean ended;
    /** OOM kills counted when the last invocation started (or at READY): the baseline for an idle death. */
    private long oomSeen;

    private WorkerSandbox(String id, FunctionSpec spec, ResourceVector limits, Partition partition,
                          SandboxConfig config, Runnable onClose) throws IOException {
        super(id, spec, limits, partition, config, onClose);
        this.process = Launch.start(partition, spec);
        this.stdin = new DataOutputStream(new BufferedOutputStream(process.getOutputStream(), 1 << 16));
        stderr.drain(process.getErrorStream(), id + "-stderr");
        DataInputStream stdout = new DataInputStream(new BufferedInputStream(process.getInputStream(), 1 << 16));
        int max = config.maxMessageBytes();
        Thread.ofVirtual().name(id + "-stdout").start(() -> readFrames(stdout, max));
    }

    /** Starts the worker, delivers the init payload and waits for READY within the init timeout. */
    static WorkerSandbox start(String id, FunctionSpec spec, ResourceVector limits, Partition partition,
                               SandboxConfig config, Runnable onClose, long startNanos) {
        WorkerSandbox s;
        try {
            s = new WorkerSandbox(id, spec, limits, partition, config, onClose);
        } catch (IOException e) {
            partition.close();
            onClose.run();
            throw new SandboxException(ExitKind.INIT_FAILURE, "function '" + spec.name()
                    + "': cannot start " + spec.argv() + ": " + e.getMessage(), e);
        }
        long oomBefore = partition.oomKills();
        s.send(Frames.INIT, spec.initPayload());
        Object reply = s.poll(spec.initTimeout());
        if (reply instanceof Frame f && f.type() == Frames.READY) {
            s.oomSeen = partition.oomKills();
            s.startup = Duration.ofNanos(System.nanoTime() - startNanos);
            return s;
        }
        String why = reply == null ? "no READY within the init timeout of " + spec.initTimeout()
                : reply instanceof Frame f && f.type() == Frames.ERROR ? "init failed: " + text(f.payload())
                : reply instanceof Frame f ? "sent " + Frames.name(f.type()) + " instead of READY"
                : s.died(oomBefore, (Ended) reply).message();
        s.close();
        throw new SandboxException(ExitKind.INIT_FAILURE, "function '" + spec.name() + "' sandbox " + id
                + " did not become ready: " + why + s.stderrHint(), null);
    }

    private void readFrames(DataInputStream in, int max) {
        Ended end;
        try (in) {
            while (true) {
                Frame f = Frames.read(in, max);
                if (f == null) {
                    end = new Ended(false, "worker closed stdout");
                    break;
                }
                replies.add(f);
            }
        } catch (Frames.ProtocolException e) {
            end = new Ended(true, e.getMessage());
        } catch (IOException e) {
            end = new Ended(false, "worker stdout ended: " + e.getMessage());
        }
        ended = true;
        replies.add(end);
    }

    private void send(int type, byte[] payload) {
        Thread.ofVirtual().name(id + "-stdin").start(() -> {
            try {
                synchronized (stdin) {
                    Frames.write(stdin, type, payload);
                }
            } catch (IOException e) {
                // the worker is gone; the reader reports how
            }
        });
    }

    private Object poll(Duration timeout) {
        try {
            return replies.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Ended(false, "interrupted while waiting for the worker");
        }
    }

    @Override
    public Invocation invoke(byte[] payload, Duration timeout) {
        lock.lock();
        try {
            if (state != State.READY) {
                throw new IllegalStateException("sandbox " + id + " is " + state);
            }
            long oomBefore = partition.oomKills();
            Object stray = replies.poll();
            if (stray != null) {
                // answers come one per INVOKE, in order: anything queued now was never asked for, or is the
                // worker's death while idle
                Invocation failure = stray instanceof Frame f
                        ? new Invocation(ExitKind.PROTOCOL, new byte[0], Duration.ZERO, "worker sent an unsolicited "
                        + Frames.name(f.type()) + " between invocations")
                        : died(oomSeen, (Ended) stray);
                kill();
                return new Invocation(failure.exit(), failure.output(), Duration.ZERO, failure.message()
                        + stderrHint());
            }
            oomSeen = oomBefore;
            long t0 = System.nanoTime();
            send(Frames.INVOKE, payload);
            Object reply = poll(timeout);
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            if (reply instanceof Frame f && f.type() == Frames.RESULT) {
                return new Invocation(ExitKind.OK, f.payload(), took, "");
            }
            if (reply instanceof Frame f && f.type() == Frames.ERROR) {
                return new Invocation(ExitKind.FUNCTION_ERROR, new byte[0], took, text(f.payload()));
            }
            Invocation failure = reply == null
                    ? new Invocation(ExitKind.TIMEOUT, new byte[0], took, "no reply within " + timeout)
                    : reply instanceof Frame f
                    ? new Invocation(ExitKind.PROTOCOL, new byte[0], took, "worker sent "
                    + Frames.name(f.type()) + " in answer to INVOKE")
                    : died(oomBefore, (Ended) reply);
            kill();
            return new Invocation(failure.exit(), failure.output(), took, failure.message() + stderrHint());
        } finally {
            lock.unlock();
        }
    }

    /** Classifies the end of the worker's stdout: protocol breach, OOM kill, or crash. */
    private Invocation died(long oomBefore, Ended end) {
        if (end.protocol()) {
            return new Invocation(ExitKind.PROTOCOL, new byte[0], Duration.ZERO, end.reason());
        }
        String status = "";
        try {
            if (process.waitFor(2, TimeUnit.SECONDS)) {
                status = " (exit status " + process.exitValue() + ")";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long oom = partition.oomKills();
        boolean oomKilled = oom >= 0 && oom > oomBefore;
        return new Invocation(oomKilled ? ExitKind.OOM : ExitKind.CRASH, new byte[0], Duration.ZERO,
                (oomKilled ? "killed by the memory limit of " + limits.memoryBytes() + " bytes: " : "")
                        + end.reason() + status);
    }

    private void kill() {
        state = State.DEAD;
        partition.killAll();
        process.destroyForcibly();
        reap(process);
    }

    /** Waits (bounded) until the JDK has reaped the killed process, so no zombie still counts in the cgroup. */
    static void reap(Process p) {
        try {
            p.waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** DEAD as soon as the reader saw the worker go, even while idle, so a pool can retire it before use. */
    @Override
    public State state() {
        State s = state;
        return s == State.READY && ended ? State.DEAD : s;
    }

    @Override
    void endProcesses() {
        process.destroyForcibly();
        reap(process);
    }
}
