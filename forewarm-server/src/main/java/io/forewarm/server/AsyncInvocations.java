package io.forewarm.server;

import io.forewarm.engine.InvokeResult;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Invocations run in the background on virtual threads, kept by id for polling. Running ones are always kept;
 * of the finished ones only the newest {@code capacity} are, so memory stays bounded.
 */
final class AsyncInvocations implements AutoCloseable {

    /** One asynchronous invocation: its id, function, and result once done. */
    record Entry(String id, String function, long submittedMillis, CompletableFuture<InvokeResult> result) {
    }

    private final int capacity;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    AsyncInvocations(int capacity) {
        this.capacity = capacity;
    }

    /** Starts {@code work} for {@code function} and returns its entry. */
    Entry submit(String function, Supplier<InvokeResult> work) {
        String id = UUID.randomUUID().toString();
        Entry e = new Entry(id, function, System.currentTimeMillis(),
                CompletableFuture.supplyAsync(work, executor));
        synchronized (entries) {
            entries.put(id, e);
            trim();
        }
        return e;
    }

    /** The entry with {@code id}, or null if unknown or forgotten. */
    Entry get(String id) {
        synchronized (entries) {
            return entries.get(id);
        }
    }

    /** Forgets the oldest finished entries beyond the capacity. */
    private void trim() {
        long finished = entries.values().stream().filter(x -> x.result().isDone()).count();
        var it = entries.values().iterator();
        while (finished > capacity && it.hasNext()) {
            if (it.next().result().isDone()) {
                it.remove();
                finished--;
            }
        }
    }

    /** Stops accepting work and waits for running invocations. */
    @Override
    public void close() {
        executor.close();
    }
}
