package io.forewarm.sandbox;

import java.util.function.LongPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sandbox ids: {@code fw-<owner pid>-<sequence>-<function>}. The owner pid lets a starting factory tell the
 * leftovers of a crashed earlier run (owner gone) from the live sandboxes of another running process.
 */
final class Names {

    private static final Pattern ID = Pattern.compile("fw-(\\d+)-(\\d+)-[a-z0-9][a-z0-9\\-_.]*");

    private Names() {
    }

    /** The id of the {@code seq}-th sandbox of {@code function} owned by process {@code owner}. */
    static String id(long owner, long seq, String function) {
        return "fw-" + owner + "-" + seq + "-" + function;
    }

    /** Whether {@code name} is a sandbox id whose owner process is no longer alive. */
    static boolean isLeftover(String name, LongPredicate alive) {
        Matcher m = ID.matcher(name);
        return m.matches() && !alive.test(Long.parseLong(m.group(1)));
    }

    /** Whether a process with this pid is alive. */
    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
