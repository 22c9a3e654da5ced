package io.forewarm.sim.trace;

/** What one sandbox serves in a simulation: a whole application (as in Shahrad et al.) or one function. */
public enum Unit {
    /** All functions of an application share one sandbox. */
    APP,
    /** Each function has its own sandboxes. */
    FUNCTION
}
