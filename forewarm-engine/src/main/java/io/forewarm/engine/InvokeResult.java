package io.forewarm.engine;

import io.forewarm.core.ExitKind;

/**
 * What an invocation through the engine returned and what it cost.
 *
 * @param function    the function's name
 * @param exit        how it ended
 * @param output      the result bytes (empty on failure)
 * @param message     error detail for anything but OK, else empty
 * @param cold        whether a sandbox was started for it
 * @param queueMillis time spent waiting for capacity
 * @param initMillis  time spent starting the sandbox (0 when warm)
 * @param runMillis   time the sandbox took to answer
 * @param limitRaised whether it ran in a sandbox whose limits were raised after earlier runs hit them
 * @param rejection   why a {@link ExitKind#CAPACITY} result was turned away; {@link Rejection#NONE} otherwise
 */
public record InvokeResult(String function, ExitKind exit, byte[] output, String message, boolean cold,
                           long queueMillis, long initMillis, long runMillis, boolean limitRaised,
                           Rejection rejection) {

    /** Whether the function returned a result. */
    public boolean ok() {
        return exit == ExitKind.OK;
    }

    @Override
    public String toString() {
        return "InvokeResult[" + function + " " + exit.label() + (cold ? " cold" : " warm") + " queue=" + queueMillis
                + "ms init=" + initMillis + "ms run=" + runMillis + "ms " + output.length + "B"
                + (message.isEmpty() ? "" : " " + message) + "]";
    }
}
