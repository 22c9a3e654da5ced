package io.forewarm.examples;

import io.forewarm.core.FunctionSpec;
import io.forewarm.runtime.Worker;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

/** Specs that run the example functions: Java ones on the current JDK, Python ones on the shim. */
public final class Launchers {

    private Launchers() {
    }

    /** A worker spec running Java example {@code main} class with the current JDK and this module's classpath. */
    public static FunctionSpec.Builder java(String name, Class<?> mainClass) {
        String java = ProcessHandle.current().info().command().orElse("java");
        String cp = location(mainClass) + File.pathSeparator + location(Worker.class);
        // A small heap and one compiler thread: the example functions are tiny, and threads count against pids.
        // No perf-data file and JVM logging on stderr only: in its own pid namespace every worker JVM has the same
        // low pid, so two of them would contend for one /tmp/hsperfdata file, and the JVM warns about that on
        // stdout, which is the worker protocol's channel. -Xlog:disable drops the default stdout output first;
        // -Xlog:all=warning:stderr alone only adds stderr and the warning still reaches stdout too.
        return FunctionSpec.builder(name, FunctionSpec.Kind.WORKER, List.of(java, "-Xmx64m", "-Xshare:auto",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Xlog:disable",
                "-Xlog:all=warning:stderr", "-cp", cp, mainClass.getName()));
    }

    /** A worker spec running Python example {@code file} through the shim {@code runtime}. */
    public static FunctionSpec.Builder python(String name, String python, Path runtime, Path file) {
        return FunctionSpec.builder(name, FunctionSpec.Kind.WORKER, List.of(python, runtime.toString(),
                file.toString()));
    }

    private static String location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the classes of " + c.getName(), e);
        }
    }
}
