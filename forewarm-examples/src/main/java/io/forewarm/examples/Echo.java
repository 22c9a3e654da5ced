package io.forewarm.examples;

import io.forewarm.runtime.Function;
import io.forewarm.runtime.Worker;

/** Returns its input unchanged: the smallest worker, used to measure the protocol round trip. */
public final class Echo implements Function {

    /** Serves this function on stdin/stdout. */
    public static void main(String[] args) throws Exception {
        Worker.serve(new Echo());
    }

    @Override
    public byte[] handle(byte[] input) {
        return input;
    }
}
