package io.forewarm.sandbox;

import io.forewarm.core.ExitKind;
import io.forewarm.core.FunctionSpec;
import io.forewarm.core.ResourceVector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A sandbox for a {@code command} function: the partition and scratch are ready, each invocation execs one process
 * with the payload on stdin and its stdout as the result. Leftover background processes are killed after each run.
 */
final class CommandSandbox extends AbstractSandbox {

    private final int maxOutput;

    CommandSandbox(String id, FunctionSpec spec, ResourceVector limits, Partition partition, SandboxConfig config,
                   Runnable onClose, long startNanos) {
        super(id, spec, limits, partition, config, onClose);
        this.maxOutput = config.maxMessageBytes();
        this.startup = Duration.ofNanos(System.nanoTime() - startNanos);
    }

    @Override
    public Invocation invoke(byte[] payload, Duration timeout) {
        lock.lock();
        try {
            if (state != State.READY) {
                throw new NotStartedException("sandbox " + id + " is " + state);
            }
            long oomBefore = partition.oomKills();
            long t0 = System.nanoTime();
            Process p;
            try {
                p = Launch.start(partition, spec);
            } catch (IOException e) {
                return new Invocation(ExitKind.CRASH, new byte[0], Duration.ofNanos(System.nanoTime() - t0),
                        "cannot start " + spec.argv() + ": " + e.getMessage());
            }
            Thread stderrDrain = stderr.drain(p.getErrorStream(), id + "-stderr");
            Thread.ofVirtual().name(id + "-stdin").start(() -> {
                try (OutputStream in = p.getOutputStream()) {
                    in.write(payload);
                } catch (IOException e) {
                    // the command does not read its input, or died: its exit tells
                }
            });
            CompletableFuture<byte[]> out = new CompletableFuture<>();
            Thread.ofVirtual().name(id + "-stdout").start(() -> out.complete(readUpTo(p.getInputStream())));
            boolean exited = waitFor(p, timeout);
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            // background children must not outlive the invocation (and must not keep stdout open)
            partition.killAll();
            if (!exited) {
                p.destroyForcibly();
                WorkerSandbox.reap(p);
                return failure(ExitKind.TIMEOUT, took, "no exit within " + timeout);
            }
            // read to the end before anything closes the streams (Process.destroy closes them even after exit)
            byte[] output = output(out);
            join(stderrDrain);
            int status = p.exitValue();
            long oom = partition.oomKills();
            if (oom >= 0 && oom > oomBefore) {
                return failure(ExitKind.OOM, took, "killed by the memory limit of " + limits.memoryBytes() + " bytes");
            }
            if (output.length > maxOutput) {
                return failure(ExitKind.PROTOCOL, took, "output exceeds " + maxOutput + " bytes");
            }
            if (status == 0) {
                return new Invocation(ExitKind.OK, output, took, "");
            }
            // 128 + n: killed by signal n (Process and unshare both report it so)
            return status > 128 && status <= 128 + 64
                    ? failure(ExitKind.CRASH, took, "killed by signal " + (status - 128))
                    : failure(ExitKind.FUNCTION_ERROR, took, "exit status " + status);
        } finally {
            lock.unlock();
        }
    }

    private Invocation failure(ExitKind kind, Duration took, String message) {
        return new Invocation(kind, new byte[0], took, message + stderrHint());
    }

    private static boolean waitFor(Process p, Duration timeout) {
        try {
            return p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits (bounded) until the process's stderr is in the log, so failure messages show all of it. */
    private static void join(Thread drain) {
        try {
            drain.join(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] output(CompletableFuture<byte[]> out) {
        try {
            return out.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new byte[0];
        } catch (ExecutionException | TimeoutException e) {
            return new byte[0];
        }
    }

    /** Reads stdout keeping at most one byte over the limit, enough to tell that it was exceeded. */
    private byte[] readUpTo(InputStream in) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(chunk)) >= 0) {
                int keep = Math.min(n, maxOutput + 1 - buf.size());
                if (keep > 0) {
                    buf.write(chunk, 0, keep);
                }
            }
        } catch (IOException e) {
            // the process was killed; keep what arrived
        }
        return buf.toByteArray();
    }
}
