package io.forewarm.engine;

import io.forewarm.core.ExecutionRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Hands execution records to the history sink on its own thread, so that a slow store never delays a
 * request. The buffer is bounded: when the sink falls that far behind, records are dropped and counted
 * (never silently: the count is in the engine status and the first drop is logged).
 */
final class Recorder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Recorder.class);

    private final BlockingQueue<ExecutionRecord> buffer;
    private final Consumer<ExecutionRecord> sink;
    private final Thread writer;
    private long accepted;
    private long handed;
    private long dropped;
    private long failed;
    private volatile boolean closed;

    Recorder(Consumer<ExecutionRecord> sink, int capacity) {
        this.sink = sink;
        this.buffer = new ArrayBlockingQueue<>(capacity);
        this.writer = Thread.ofPlatform().daemon().name("forewarm-recorder").start(this::drain);
    }

    /** Queues {@code r} for the sink; drops it, counting, when the buffer is full or the recorder closed. */
    void record(ExecutionRecord r) {
        synchronized (this) {
            if (closed || !buffer.offer(r)) {
                if (dropped++ == 0) {
                    LOG.warn("history is not keeping up: dropping execution records (first: {})", r);
                }
                return;
            }
            accepted++;
        }
    }

    /** Waits until every record queued before this call was handed to the sink. */
    synchronized void flush() throws InterruptedException {
        long target = accepted;
        while (handed < target && writer.isAlive()) {
            wait(100);
        }
    }

    synchronized long dropped() {
        return dropped;
    }

    synchronized long failed() {
        return failed;
    }

    private void drain() {
        while (!closed || !buffer.isEmpty()) {
            ExecutionRecord r;
            try {
                r = buffer.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                continue; // close() interrupts only to hurry the last round; the loop condition decides
            }
            if (r == null) {
                continue;
            }
            boolean ok = true;
            try {
                sink.accept(r);
            } catch (RuntimeException e) {
                ok = false;
                LOG.error("history sink failed for {}", r, e);
            }
            synchronized (this) {
                handed++;
                if (!ok) {
                    failed++;
                }
                notifyAll();
            }
        }
    }

    /** Hands what is buffered to the sink, then stops the writer. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true; // under the lock record() checks it with: nothing is queued after the writer's last look
        }
        try {
            writer.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
