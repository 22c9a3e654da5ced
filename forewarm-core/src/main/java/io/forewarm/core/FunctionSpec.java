package io.forewarm.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A registered function: how to start it (argv, never a shell string), where and with which environment,
 * the sandbox it gets (resource limits and a pids limit), its timeouts and concurrency cap, and what warming
 * does ahead of a request (files preloaded into the sandbox scratch, an init payload handed to a worker).
 * Every field is validated on construction; errors name the field and the offending value.
 *
 * @param name             the function's name, {@code [a-z0-9][a-z0-9-_.]{0,62}}
 * @param kind             a long-lived worker or one process per invocation
 * @param argv             the program and its arguments, passed to exec as they are
 * @param env              environment variables given to the process (nothing else is inherited)
 * @param workingDirectory absolute working directory, or null to run in the sandbox scratch directory
 * @param limits           cpu cores, memory, scratch disk, io and network bandwidth (0 = unlimited)
 * @param pidsLimit        maximum number of processes and threads in the sandbox (0 = unlimited)
 * @param timeout          per-invocation timeout
 * @param initTimeout      how long a worker may take to initialize and report ready
 * @param maxConcurrency   maximum number of sandboxes of this function at a time
 * @param warmupFiles      files copied into the scratch directory while warming: relative target name to source
 * @param initPayload      bytes delivered to a worker before it reports ready
 * @param minLimits        the least a right-sized sandbox gets, per dimension at most {@code limits}
 *                         (null: {@code limits}, so the function is never sized below them)
 * @param maxLimits        the most a right-sized sandbox gets, per dimension at least {@code limits}
 *                         (null: {@code limits}, so it is never sized above them); a dimension {@code limits}
 *                         leaves unlimited (0) is never sized and must be 0 in both bounds
 * @param pipelineDepth    how many invocations one warm worker sandbox may hold at once, sent ahead and answered
 *                         in order, before another sandbox is started (1: one at a time; worker functions only)
 */
public record FunctionSpec(String name, Kind kind, List<String> argv, Map<String, String> env,
                           Path workingDirectory, ResourceVector limits, int pidsLimit, Duration timeout,
                           Duration initTimeout, int maxConcurrency, Map<String, Path> warmupFiles,
                           byte[] initPayload, ResourceVector minLimits, ResourceVector maxLimits,
                           int pipelineDepth) {

    /** How a function's process lives. */
    public enum Kind {
        /** One long-lived process that initializes once, reports ready and then serves invocations in order. */
        WORKER,
        /** One process per invocation: payload on stdin, result on stdout. */
        COMMAND;

        /** The lower-case name used in configuration and JSON. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** Parses {@code worker} or {@code command}, naming the bad value otherwise. */
        public static Kind parse(String s) {
            for (Kind k : values()) {
                if (k.label().equals(s)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("kind: expected 'worker' or 'command' but was '" + s + "'");
        }
    }

    /** The most invocations a worker sandbox may hold at once: enough to amortize a round trip, no more. */
    public static final int MAX_PIPELINE_DEPTH = 64;

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9\\-_.]{0,62}");
    private static final Pattern ENV_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** Validates every field and takes immutable copies. */
    public FunctionSpec {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name: must match [a-z0-9][a-z0-9-_.]{0,62} but was '" + name + "'");
        }
        String where = "function '" + name + "': ";
        if (kind == null) {
            throw new IllegalArgumentException(where + "kind is required (worker or command)");
        }
        if (argv == null || argv.isEmpty()) {
            throw new IllegalArgumentException(where + "argv must name a program but was " + argv);
        }
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            if (a == null || (i == 0 && a.isEmpty()) || a.indexOf('\0') >= 0) {
                throw new IllegalArgumentException(where + "argv[" + i + "] is invalid: "
                        + (a == null ? "null" : "'" + a.replace("\0", "\\0") + "'"));
            }
        }
        argv = List.copyOf(argv);
        env = env == null ? Map.of() : new LinkedHashMap<>(env);
        for (var e : env.entrySet()) {
            if (e.getKey() == null || !ENV_KEY.matcher(e.getKey()).matches()) {
                throw new IllegalArgumentException(where + "env key must match [A-Za-z_][A-Za-z0-9_]* but was '"
                        + e.getKey() + "'");
            }
            if (e.getValue() == null || e.getValue().indexOf('\0') >= 0) {
                throw new IllegalArgumentException(where + "env " + e.getKey() + " has an invalid value: "
                        + (e.getValue() == null ? "null" : "contains NUL"));
            }
        }
        env = java.util.Collections.unmodifiableMap(env);
        if (workingDirectory != null && !workingDirectory.isAbsolute()) {
            throw new IllegalArgumentException(where + "workingDirectory must be absolute but was '"
                    + workingDirectory + "'");
        }
        if (limits == null) {
            throw new IllegalArgumentException(where + "limits are required");
        }
        if (pidsLimit < 0) {
            throw new IllegalArgumentException(where + "pidsLimit must be >= 0 (0 = unlimited) but was " + pidsLimit);
        }
        requirePositive(where, "timeout", timeout);
        requirePositive(where, "initTimeout", initTimeout);
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException(where + "maxConcurrency must be >= 1 but was " + maxConcurrency);
        }
        warmupFiles = warmupFiles == null ? Map.of() : new LinkedHashMap<>(warmupFiles);
        for (var e : warmupFiles.entrySet()) {
            requireRelativeTarget(where, e.getKey());
            if (e.getValue() == null) {
                throw new IllegalArgumentException(where + "warmupFiles '" + e.getKey() + "' has no source path");
            }
        }
        warmupFiles = java.util.Collections.unmodifiableMap(warmupFiles);
        initPayload = initPayload == null ? new byte[0] : initPayload.clone();
        minLimits = minLimits == null ? limits : minLimits;
        maxLimits = maxLimits == null ? limits : maxLimits;
        requireBounds(where, limits, minLimits, maxLimits);
        if (pipelineDepth < 1 || pipelineDepth > MAX_PIPELINE_DEPTH) {
            throw new IllegalArgumentException(where + "pipelineDepth must be between 1 and " + MAX_PIPELINE_DEPTH
                    + " but was " + pipelineDepth);
        }
        if (pipelineDepth > 1 && kind != Kind.WORKER) {
            throw new IllegalArgumentException(where + "pipelineDepth applies to worker functions only (a command"
                    + " runs one process per invocation) but was " + pipelineDepth + " for kind " + kind.label());
        }
    }

    /** Whether the bounds leave right-sizing any room: some dimension may differ from {@code limits}. */
    public boolean sizable() {
        return !minLimits.equals(limits) || !maxLimits.equals(limits);
    }

    private static void requireBounds(String where, ResourceVector limits, ResourceVector min, ResourceVector max) {
        String[] names = {"cpu", "memory", "disk", "io", "net"};
        double[] l = dimensions(limits);
        double[] lo = dimensions(min);
        double[] hi = dimensions(max);
        for (int i = 0; i < names.length; i++) {
            String d = names[i];
            if (l[i] == 0 && (lo[i] != 0 || hi[i] != 0)) {
                throw new IllegalArgumentException(where + "limits." + d + " is 0 (unlimited), so minLimits." + d
                        + " and maxLimits." + d + " must be 0 too but were " + fmt(lo[i]) + " and " + fmt(hi[i]));
            }
            if (lo[i] > l[i]) {
                throw new IllegalArgumentException(where + "minLimits." + d + " must be <= limits." + d + " ("
                        + fmt(l[i]) + ") but was " + fmt(lo[i]));
            }
            if (hi[i] < l[i]) {
                throw new IllegalArgumentException(where + "maxLimits." + d + " must be >= limits." + d + " ("
                        + fmt(l[i]) + ") but was " + fmt(hi[i]));
            }
        }
    }

    private static double[] dimensions(ResourceVector v) {
        return new double[] {v.cpuCores(), v.memoryBytes(), v.diskBytes(), v.ioBytesPerSecond(),
                v.netBytesPerSecond()};
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /** A builder with defaults: no limits, 30 s timeout, 10 s init timeout, 8 sandboxes, no warm-up. */
    public static Builder builder(String name, Kind kind, List<String> argv) {
        return new Builder(name, kind, argv);
    }

    /** A copy of the init payload (the record keeps its own). */
    @Override
    public byte[] initPayload() {
        return initPayload.clone();
    }

    /** Compares all fields, the init payload by content. */
    @Override
    public boolean equals(Object o) {
        return o instanceof FunctionSpec f && name.equals(f.name) && kind == f.kind && argv.equals(f.argv)
                && env.equals(f.env) && Objects.equals(workingDirectory, f.workingDirectory)
                && limits.equals(f.limits) && pidsLimit == f.pidsLimit && timeout.equals(f.timeout)
                && initTimeout.equals(f.initTimeout) && maxConcurrency == f.maxConcurrency
                && warmupFiles.equals(f.warmupFiles) && Arrays.equals(initPayload, f.initPayload)
                && minLimits.equals(f.minLimits) && maxLimits.equals(f.maxLimits) && pipelineDepth == f.pipelineDepth;
    }

    /** Hashes all fields, the init payload by content. */
    @Override
    public int hashCode() {
        return Objects.hash(name, kind, argv, env, workingDirectory, limits, pidsLimit, timeout, initTimeout,
                maxConcurrency, warmupFiles, Arrays.hashCode(initPayload), minLimits, maxLimits, pipelineDepth);
    }

    /** A readable summary; the init payload is shown by size only. */
    @Override
    public String toString() {
        return "FunctionSpec[" + name + " " + kind.label() + " argv=" + argv + " limits=" + limits + " pids="
                + pidsLimit + " timeout=" + timeout + " init=" + initTimeout + " max=" + maxConcurrency
                + " warmup=" + warmupFiles.keySet() + " initPayload=" + initPayload.length + "B"
                + (sizable() ? " sized " + minLimits + " .. " + maxLimits : "")
                + (pipelineDepth > 1 ? " pipeline=" + pipelineDepth : "") + "]";
    }

    private static void requirePositive(String where, String field, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(where + field + " must be a positive duration but was " + d);
        }
    }

    private static void requireRelativeTarget(String where, String target) {
        if (target == null || target.isEmpty() || target.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(where + "warmupFiles target name is invalid: '" + target + "'");
        }
        Path p = Path.of(target).normalize();
        if (p.isAbsolute() || p.startsWith("..") || p.toString().isEmpty()) {
            throw new IllegalArgumentException(where + "warmupFiles target must stay inside the scratch directory"
                    + " but was '" + target + "'");
        }
    }

    /** Builds a {@link FunctionSpec}; validation happens in {@link #build()}. */
    public static final class Builder {
        private final String name;
        private final Kind kind;
        private final List<String> argv;
        private Map<String, String> env = Map.of();
        private Path workingDirectory;
        private ResourceVector limits = ResourceVector.ZERO;
        private int pidsLimit;
        private Duration timeout = Duration.ofSeconds(30);
        private Duration initTimeout = Duration.ofSeconds(10);
        private int maxConcurrency = 8;
        private Map<String, Path> warmupFiles = Map.of();
        private byte[] initPayload = new byte[0];
        private ResourceVector minLimits;
        private ResourceVector maxLimits;
        private int pipelineDepth = 1;

        private Builder(String name, Kind kind, List<String> argv) {
            this.name = name;
            this.kind = kind;
            this.argv = argv;
        }

        /** Environment variables of the process. */
        public Builder env(Map<String, String> v) {
            env = v;
            return this;
        }

        /** Absolute working directory (default: the scratch directory). */
        public Builder workingDirectory(Path v) {
            workingDirectory = v;
            return this;
        }

        /** Resource limits. */
        public Builder limits(ResourceVector v) {
            limits = v;
            return this;
        }

        /** Maximum processes and threads (0 = unlimited). */
        public Builder pidsLimit(int v) {
            pidsLimit = v;
            return this;
        }

        /** Per-invocation timeout. */
        public Builder timeout(Duration v) {
            timeout = v;
            return this;
        }

        /** Worker initialization timeout. */
        public Builder initTimeout(Duration v) {
            initTimeout = v;
            return this;
        }

        /** Maximum concurrent sandboxes. */
        public Builder maxConcurrency(int v) {
            maxConcurrency = v;
            return this;
        }

        /** Files preloaded into scratch: relative target name to source path. */
        public Builder warmupFiles(Map<String, Path> v) {
            warmupFiles = v;
            return this;
        }

        /** Bytes handed to a worker before it reports ready. */
        public Builder initPayload(byte[] v) {
            initPayload = v;
            return this;
        }

        /** The least a right-sized sandbox gets (default: the limits themselves). */
        public Builder minLimits(ResourceVector v) {
            minLimits = v;
            return this;
        }

        /** The most a right-sized sandbox gets (default: the limits themselves). */
        public Builder maxLimits(ResourceVector v) {
            maxLimits = v;
            return this;
        }

        /** Invocations one worker sandbox may hold at once, answered in order (default 1). */
        public Builder pipelineDepth(int v) {
            pipelineDepth = v;
            return this;
        }

        /** Validates and builds the spec. */
        public FunctionSpec build() {
            return new FunctionSpec(name, kind, argv, env, workingDirectory, limits, pidsLimit, timeout,
                    initTimeout, maxConcurrency, warmupFiles, initPayload, minLimits, maxLimits, pipelineDepth);
        }
    }
}
