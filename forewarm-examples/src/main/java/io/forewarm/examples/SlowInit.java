package io.forewarm.examples;

import io.forewarm.runtime.Function;
import io.forewarm.runtime.Worker;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A function with a deliberately slow initialization, the case pre-warming exists for: {@code init} loads a
 * dictionary (built here from the init payload's seed, standing in for a model or reference data) and holds the
 * worker back until about 300 ms have passed; each invocation is then a cheap lookup.
 */
public final class SlowInit implements Function {

    /** Minimum initialization time, as a real data load would take. */
    static final long INIT_MILLIS = 300;
    static final int ENTRIES = 200_000;

    private final Map<String, Integer> table = new HashMap<>();

    /** Serves this function on stdin/stdout. */
    public static void main(String[] args) throws Exception {
        Worker.serve(new SlowInit());
    }

    @Override
    public void init(byte[] payload) throws InterruptedException {
        long t0 = System.nanoTime();
        int seed = payload.length == 0 ? 1 : payload[0];
        for (int i = 0; i < ENTRIES; i++) {
            table.put("k" + i, i * seed);
        }
        long left = INIT_MILLIS - (System.nanoTime() - t0) / 1_000_000;
        if (left > 0) {
            Thread.sleep(left);
        }
    }

    /** Looks up the key given as UTF-8 input; replies with its value or "missing". */
    @Override
    public byte[] handle(byte[] input) {
        Integer v = table.get(new String(input, StandardCharsets.UTF_8));
        return (v == null ? "missing" : v.toString()).getBytes(StandardCharsets.UTF_8);
    }
}
