package io.forewarm.server;

import io.forewarm.core.FunctionSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * Makes a JVM worker spec safe to run next to others of its kind. In its own pid namespace every worker JVM is
 * pid 1 or 2, so two of them contend for the same {@code /tmp/hsperfdata_<user>/<pid>} file, and the JVM reports
 * that as a warning on stdout, which is the worker protocol's channel: the second worker fails to start with a
 * protocol error. Switching off the perf-data file and sending JVM logging to stderr avoids both.
 */
public final class JvmWorkers {

    /** The options added right after the java binary. */
    static final List<String> OPTIONS = List.of("-XX:-UsePerfData", "-Xlog:all=warning:stderr");

    private JvmWorkers() {
    }

    /** {@code spec} with {@link #OPTIONS} after its program (the java binary), unless they are already there. */
    public static FunctionSpec quiet(FunctionSpec spec) {
        if (spec.argv().containsAll(OPTIONS)) {
            return spec;
        }
        List<String> argv = new ArrayList<>(spec.argv());
        argv.addAll(1, OPTIONS);
        return new FunctionSpec(spec.name(), spec.kind(), argv, spec.env(), spec.workingDirectory(), spec.limits(),
                spec.pidsLimit(), spec.timeout(), spec.initTimeout(), spec.maxConcurrency(), spec.warmupFiles(),
                spec.initPayload());
    }
}
