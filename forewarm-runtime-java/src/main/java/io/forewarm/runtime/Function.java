package io.forewarm.runtime;

/** A function served by a Forewarm worker: initialize once, then handle invocations one at a time. */
public interface Function {

    /** Handles one invocation; an exception becomes an {@code ERROR} reply and the worker keeps serving. */
    byte[] handle(byte[] input) throws Exception;

    /** Runs once before the worker reports ready (load code and data here); an exception fails the warming. */
    default void init(byte[] payload) throws Exception {
    }
}
