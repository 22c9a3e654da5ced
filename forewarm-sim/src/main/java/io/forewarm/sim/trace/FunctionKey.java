package io.forewarm.sim.trace;

/** Identifies a function in a trace: its owner, application, name and trigger ("" when unknown). */
public record FunctionKey(String owner, String app, String function, String trigger) {

    /** The unit key for {@code unit}: the application (owner-qualified) or the function itself. */
    public String unit(Unit unit) {
        return unit == Unit.APP ? owner + "/" + app : owner + "/" + app + "/" + function;
    }
}
