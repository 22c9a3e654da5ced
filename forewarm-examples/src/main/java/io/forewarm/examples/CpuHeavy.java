package io.forewarm.examples;

import io.forewarm.runtime.Function;
import io.forewarm.runtime.Worker;
import java.nio.charset.StandardCharsets;

/** Counts the primes below the number given as UTF-8 input by trial division: pure cpu work, no memory. */
public final class CpuHeavy implements Function {

    /** Serves this function on stdin/stdout. */
    public static void main(String[] args) throws Exception {
        Worker.serve(new CpuHeavy());
    }

    @Override
    public byte[] handle(byte[] input) {
        int limit = Integer.parseInt(new String(input, StandardCharsets.UTF_8).trim());
        return Integer.toString(countPrimes(limit)).getBytes(StandardCharsets.UTF_8);
    }

    static int countPrimes(int below) {
        int count = 0;
        for (int n = 2; n < below; n++) {
            boolean prime = true;
            for (int d = 2; (long) d * d <= n; d++) {
                if (n % d == 0) {
                    prime = false;
                    break;
                }
            }
            if (prime) {
                count++;
            }
        }
        return count;
    }
}
