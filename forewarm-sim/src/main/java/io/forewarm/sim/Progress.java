package io.forewarm.sim;

/** Reports how far a long run got; the CLI prints it on stderr at most every couple of seconds. */
@FunctionalInterface
public interface Progress {

    /** Says nothing. */
    Progress NONE = (stage, done, total) -> {
    };

    /** {@code done} of {@code total} items of {@code stage} are finished ({@code total} 0 when unknown). */
    void update(String stage, long done, long total);
}
