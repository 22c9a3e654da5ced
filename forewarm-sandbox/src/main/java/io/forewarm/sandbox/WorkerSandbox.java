package io.forewarm.sandbox;

import io.forewarm.core.ExitKind;
import io.forewarm.core.FunctionSpec;
import io.forewarm.core.ResourceVector;
import io.forewarm.sandbox.Frames.Frame;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A sandbox with a long-lived worker speaking the framed protocol. The calling thread writes the frame and reads
 * the reply itself: a warm invocation is one write and one read, with no thread hand-off. Several callers may
 * invoke at once (HTTP/1.1 pipelining, RFC 9112 section 9.3, on a pipe): each writes its frame as it comes, the
 * worker finds the next input already waiting instead of being woken for it, and the answers, which come in
 * order, are read by whichever caller holds the lock, handed to their callers, and the reading passes to the
 * caller of the next. No call can block past its timeout all the same: while an answer is awaited, the deadline
 * of the invocation the worker is running is armed (from the answer before it), and one shared watchdog thread
 * kills the worker of any exchange past its deadline, which ends the blocked write or read (the pipe breaks or
 * ends). When the worker dies, the invocations behind the one it was running never started: they fail with
 * {@link NotStartedException}, to be run elsewhere.
 */
final class WorkerSandbox extends AbstractSandbox {

    /** How the stream from the worker ended: it closed, broke, or broke the protocol. */
    private record Ended(boolean protocol, String reason) {
    }

    /** How often the watchdog looks for exchanges past their deadline: a timeout fires at most this late. */
    static final long WATCH_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** A deadline claimed by the watchdog: the exchange timed out and its worker is being killed. */
    private static final long EXPIRED = -1;
    private static final long IDLE = 0;
    private static final VarHandle DEADLINE;
    /** Every sandbox whose exchanges the watchdog guards. */
    private static final Set<WorkerSandbox> WATCHED = ConcurrentHashMap.newKeySet();

    static {
        try {
            DEADLINE = MethodHandles.lookup().findVarHandle(WorkerSandbox.class, "deadline", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        Thread.ofPlatform().daemon().name("forewarm-worker-watchdog").start(WorkerSandbox::watch);
    }

    private final Process process;
    private final DataOutputStream stdin;
    private final DataInputStream stdout;
    private final int maxBytes;
    /** System.nanoTime by which the running exchange must end; {@link #IDLE} or {@link #EXPIRED} otherwise. */
    @SuppressWarnings("unused") // through DEADLINE
    private volatile long deadline;
    /** OOM kills counted when the worker became READY: a death with more was the memory limit's doing. */
    private long oomSeen;
    /** Invocations sent and not yet answered, the one the worker runs first; added to only while sending. */
    private final Queue<Ticket> pipeline = new ConcurrentLinkedQueue<>();
    /** Held to send a frame, so the pipeline's order is the order of the frames in the pipe. */
    private final ReentrantLock sending = new ReentrantLock();
    /** When the last answer was read (by whoever held the lock). */
    private long answeredNanos;

    /** An invocation sent to the worker, waiting for its answer. */
    private static final class Ticket {
        final Thread owner = Thread.currentThread();
        final Duration timeout;
        final long sentNanos;
        /** Its {@link Invocation}, or why it never started (a String); null until then. */
        volatile Object outcome;

        Ticket(Duration timeout, long sentNanos) {
            this.timeout = timeout;
            this.sentNanos = sentNanos;
        }
    }

    private WorkerSandbox(String id, FunctionSpec spec, ResourceVector limits, Partition partition,
                          SandboxConfig config, Runnable onClose) throws IOException {
        super(id, spec, limits, partition, config, onClose);
        this.process = Launch.start(partition, spec);
        // the process's own streams are buffered already: a frame goes out in one write when it flushes
        this.stdin = new DataOutputStream(process.getOutputStream());
        this.stdout = new DataInputStream(new BufferedInputStream(process.getInputStream(), 1 << 16));
        this.maxBytes = config.maxMessageBytes();
        stderr.drain(process.getErrorStream(), id + "-stderr");
        WATCHED.add(this);
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
        Object reply;
        s.lock.lock();
        try {
            reply = s.exchange(Frames.INIT, spec.initPayload(), spec.initTimeout());
        } finally {
            s.lock.unlock();
        }
        if (reply instanceof Frame f && f.type() == Frames.READY) {
            s.oomSeen = partition.oomKills();
            partition.workerReady(s.process.toHandle());
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

    /**
     * Under the lock: sends one frame and reads the answer within {@code timeout}. Returns the answer, how the
     * stream ended, or null when the timeout passed (the watchdog has then killed the worker).
     */
    private Object exchange(int type, byte[] payload, Duration timeout) {
        arm(timeout);
        try {
            Frames.write(stdin, type, payload);
        } catch (IOException e) {
            // the worker is gone or stopped reading until the watchdog killed it: the read below says which
        }
        return disarm(receive());
    }

    /** Under the lock: reads what the worker sent unasked (a stray frame or the end of its stream). */
    private Object unasked(Duration timeout) {
        arm(timeout);
        return disarm(receive());
    }

    /** Sets the deadline {@code timeout} from now, unless the watchdog already claimed one (it stays claimed). */
    private void arm(Duration timeout) {
        long d = System.nanoTime() + Math.max(1, timeout.toNanos());
        d = d == IDLE || d == EXPIRED ? 1 : d;
        long current;
        do {
            current = (long) DEADLINE.getVolatile(this);
        } while (current != EXPIRED && !DEADLINE.compareAndSet(this, current, d));
    }

    /** Ends the exchange: {@code reply}, or null if the watchdog claimed the deadline first. */
    private Object disarm(Object reply) {
        return (long) DEADLINE.getAndSet(this, IDLE) == EXPIRED ? null : reply;
    }

    /** Reads one frame, or how the stream ended. */
    private Object receive() {
        try {
            Frame f = Frames.read(stdout, maxBytes);
            return f != null ? f : new Ended(false, "worker closed stdout");
        } catch (Frames.ProtocolException e) {
            return new Ended(true, e.getMessage());
        } catch (IOException e) {
            return new Ended(false, "worker stdout ended: " + e.getMessage());
        }
    }

    /** The watchdog: kills the worker of every exchange past its deadline, which unblocks its caller. */
    private static void watch() {
        while (true) {
            LockSupport.parkNanos(WATCH_PERIOD_NANOS);
            long now = System.nanoTime();
            for (WorkerSandbox s : WATCHED) {
                long d = (long) DEADLINE.getVolatile(s);
                if (d != IDLE && d != EXPIRED && now - d > 0 && DEADLINE.compareAndSet(s, d, EXPIRED)) {
                    try {
                        s.partition.killAll();
                        s.process.destroyForcibly();
                    } catch (RuntimeException e) {
                        // the caller still sees its exchange end: the process handle is gone either way
                    }
                }
            }
        }
    }

    /** Whether the worker left something unasked on stdout, or is gone (its stream then ends). */
    private boolean unaskedPending() {
        try {
            return stdout.available() > 0 || !process.isAlive();
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public Invocation invoke(byte[] payload, Duration timeout) {
        Ticket t;
        sending.lock();
        try {
            if (state != State.READY) {
                throw new NotStartedException("sandbox " + id + " is " + state);
            }
            boolean head = pipeline.isEmpty();
            if (head && unaskedPending()) {
                // answers come one per INVOKE, in order: anything waiting while none is owed was never asked for,
                // or is the worker's death while idle (no reader is active: nothing is owed)
                return stray(timeout);
            }
            t = new Ticket(timeout, System.nanoTime());
            pipeline.add(t);
            if (head) {
                arm(timeout); // a worker that stops reading its stdin must not hold up this write past the timeout
            }
            try {
                Frames.write(stdin, Frames.INVOKE, payload);
            } catch (IOException e) {
                // the worker is gone or stopped reading until the watchdog killed it: the reader says which
            }
        } finally {
            sending.unlock();
        }
        return await(t);
    }

    /**
     * Waits for {@code t}'s answer. Whoever holds the lock reads the answers in order and hands each to its caller;
     * when its own has come it leaves and wakes the caller of the next one, which reads on.
     */
    private Invocation await(Ticket t) {
        while (t.outcome == null) {
            if (lock.tryLock()) {
                try {
                    while (t.outcome == null) {
                        answerHead();
                    }
                } finally {
                    lock.unlock();
                    Ticket next = pipeline.peek();
                    if (next != null) {
                        LockSupport.unpark(next.owner);
                    }
                }
            } else {
                // Woken by whoever answers it or hands the reading on. Not a timed park: on a virtual thread each
                // one schedules and cancels a timer task, waking the scheduler's timer thread once per invocation.
                LockSupport.park(this);
            }
        }
        if (t.outcome instanceof Invocation inv) {
            return inv;
        }
        throw new NotStartedException((String) t.outcome);
    }

    /** Invocations sent and not yet answered (for tests). */
    int pipelined() {
        return pipeline.size();
    }

    /** Under the lock: reads the answer to the oldest invocation in the pipeline, or fails it and all after it. */
    private void answerHead() {
        Ticket head = pipeline.peek();
        if (state != State.READY) {
            failPipeline("sandbox " + id + " became " + state + " before this invocation's turn");
            return;
        }
        arm(head.timeout);
        Object reply = disarm(receive());
        long now = System.nanoTime();
        // its run began when the worker was done with the one before it (or when it was sent, if later)
        Duration took = Duration.ofNanos(now - Math.max(head.sentNanos, answeredNanos));
        answeredNanos = now;
        Invocation outcome;
        if (reply instanceof Frame f && f.type() == Frames.RESULT) {
            outcome = new Invocation(ExitKind.OK, f.payload(), took, "");
        } else if (reply instanceof Frame f && f.type() == Frames.ERROR) {
            outcome = new Invocation(ExitKind.FUNCTION_ERROR, new byte[0], took, text(f.payload()));
        } else {
            Invocation failure = reply == null
                    ? new Invocation(ExitKind.TIMEOUT, new byte[0], took, "no reply within " + head.timeout)
                    : reply instanceof Frame f
                    ? new Invocation(ExitKind.PROTOCOL, new byte[0], took, "worker sent "
                    + Frames.name(f.type()) + " in answer to INVOKE")
                    : died(oomSeen, (Ended) reply);
            kill();
            outcome = new Invocation(failure.exit(), failure.output(), took, failure.message() + stderrHint());
        }
        pipeline.poll();
        complete(head, outcome);
        if (state != State.READY) {
            failPipeline("the worker ended (" + outcome.exit().label() + ") on an invocation before this one");
        }
    }

    /** Under the lock, or with nothing owed: every invocation still in the pipeline did not start. */
    private void failPipeline(String why) {
        Ticket t;
        while ((t = pipeline.poll()) != null) {
            complete(t, why);
        }
    }

    private static void complete(Ticket t, Object outcome) {
        t.outcome = outcome;
        if (t.owner != Thread.currentThread()) {
            LockSupport.unpark(t.owner);
        }
    }

    /** With nothing owed: the worker wrote unasked or died while idle; fails this call and kills the worker. */
    private Invocation stray(Duration timeout) {
        Object stray = unasked(timeout);
        Invocation failure = stray instanceof Frame f
                ? new Invocation(ExitKind.PROTOCOL, new byte[0], Duration.ZERO, "worker sent an unsolicited "
                + Frames.name(f.type()) + " between invocations")
                : stray == null ? new Invocation(ExitKind.CRASH, new byte[0], Duration.ZERO,
                "worker died while idle and its stream did not end within " + timeout)
                : died(oomSeen, (Ended) stray);
        kill();
        return new Invocation(failure.exit(), failure.output(), Duration.ZERO, failure.message() + stderrHint());
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

    /** DEAD as soon as the worker process is gone, even while idle, so a pool can retire it before use. */
    @Override
    public State state() {
        State s = state;
        return s == State.READY && !process.isAlive() ? State.DEAD : s;
    }

    @Override
    void endProcesses() {
        WATCHED.remove(this);
        process.destroyForcibly();
        reap(process);
        // under the send lock, so no invocation joins the pipeline after this: each sent one is failed here or
        // sees the sandbox closed before it is sent
        sending.lock();
        try {
            failPipeline("sandbox " + id + " closed before this invocation's turn");
        } finally {
            sending.unlock();
        }
    }
}
