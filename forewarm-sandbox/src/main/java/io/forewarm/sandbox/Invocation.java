package io.forewarm.sandbox;

import io.forewarm.core.ExitKind;
import java.time.Duration;

/**
 * The outcome of one invocation.
 *
 * @param exit    how it ended
 * @param output  the result bytes ({@code RESULT} frame or command stdout); empty on failure
 * @param runTime wall time from sending the input to the outcome
 * @param message error detail for anything but OK (function error text, stderr tail), else empty
 */
public record Invocation(ExitKind exit, byte[] output, Duration runTime, String message) {

    /** Validates the fields. */
    public Invocation {
        if (exit == null || output == null || runTime == null || message == null) {
            throw new IllegalArgumentException("exit, output, runTime and message are required");
        }
    }

    /** Whether the function returned a result. */
    public boolean ok() {
        return exit == ExitKind.OK;
    }

    @Override
    public String toString() {
        return "Invocation[" + exit.label() + " " + output.length + "B " + runTime.toMillis() + "ms"
                + (message.isEmpty() ? "" : " " + message) + "]";
    }
}
