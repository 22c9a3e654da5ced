package io.forewarm.sandbox;

import io.forewarm.core.FunctionSpec;
import io.forewarm.core.ResourceVector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Builds the argv that starts a function inside its partition, and starts it. Wrapper scripts are constants: the
 * function's argv and our paths are passed as separate arguments, never spliced into script text.
 */
final class Launch {

    /**
     * Joins every cgroup named by the leading {@code n} arguments, then execs the rest: the process is limited
     * before the function's first instruction runs.
     */
    static final String JOIN_CGROUPS =
            "n=$1; shift; while [ \"$n\" -gt 0 ]; do echo $$ > \"$1\" || exit 125; shift; n=$((n-1)); done; exec \"$@\"";

    /** PATH given to functions: nothing else of the host's environment is inherited. */
    static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private Launch() {
    }

    /** {@code /bin/sh -c JOIN_CGROUPS sh <n> <procs files...> <argv...>}. */
    static List<String> joinCgroups(List<Path> procsFiles, List<String> argv) {
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", JOIN_CGROUPS, "sh",
                Integer.toString(procsFiles.size())));
        procsFiles.forEach(p -> cmd.add(p.toString()));
        cmd.addAll(argv);
        return cmd;
    }

    /** New mount, pid (with its own /proc), ipc and uts namespaces, optionally net; the child dies with unshare. */
    static List<String> unshare(boolean network, List<String> argv) {
        List<String> cmd = new ArrayList<>(List.of("unshare", "--fork", "--kill-child", "--pid", "--mount",
                "--mount-proc", "--ipc", "--uts"));
        if (network) {
            cmd.add("--net");
        }
        cmd.add("--");
        cmd.addAll(argv);
        return cmd;
    }

    /** rlimits for the process fallback: data segment (memory), file size (scratch), processes; 0 = none. */
    static List<String> rlimits(ResourceVector limits, int pids, List<String> argv) {
        List<String> cmd = new ArrayList<>(List.of("prlimit"));
        cmd.addAll(rlimitOptions(limits, pids));
        cmd.add("--");
        cmd.addAll(argv);
        return cmd;
    }

    /** The prlimit options for {@code limits}. */
    static List<String> rlimitOptions(ResourceVector limits, int pids) {
        List<String> opts = new ArrayList<>();
        if (limits.memoryBytes() > 0) {
            opts.add("--data=" + limits.memoryBytes());
        }
        if (limits.diskBytes() > 0) {
            opts.add("--fsize=" + limits.diskBytes());
        }
        if (pids > 0) {
            opts.add("--nproc=" + pids);
        }
        return opts;
    }

    /** The environment of a function's process: a fixed PATH, its name, its scratch dir, then its own env. */
    static void environment(Map<String, String> env, FunctionSpec spec, Path scratch) {
        env.clear();
        env.put("PATH", PATH);
        env.put("HOME", scratch.toString());
        env.put("LANG", "C.UTF-8");
        env.put("FOREWARM_FUNCTION", spec.name());
        env.put("FOREWARM_SCRATCH", scratch.toString());
        env.putAll(spec.env());
    }

    /** Starts {@code spec}'s argv inside {@code partition}. */
    static Process start(Partition partition, FunctionSpec spec) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(partition.command(spec.argv()));
        pb.directory((spec.workingDirectory() == null ? partition.scratch() : spec.workingDirectory()).toFile());
        environment(pb.environment(), spec, partition.scratch());
        Process p = pb.start();
        partition.started(p.toHandle());
        return p;
    }

    /** Whether {@code program} is an executable on the host's PATH. */
    static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", PATH);
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /** Runs a host tool (argv only) and returns its output; fails naming the command, status and output. */
    static String run(List<String> argv) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = readBounded(p.getInputStream(), 64 * 1024);
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", argv) + " did not finish within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException(String.join(" ", argv) + " interrupted", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", argv) + " failed with status " + p.exitValue() + ": " + out.strip());
        }
        return out;
    }

    /** Reads {@code in} to its end, keeping at most {@code max} bytes. */
    static String readBounded(InputStream in, int max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        int n;
        while ((n = in.read(chunk)) >= 0) {
            if (out.size() < max) {
                out.write(chunk, 0, Math.min(n, max - out.size()));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
