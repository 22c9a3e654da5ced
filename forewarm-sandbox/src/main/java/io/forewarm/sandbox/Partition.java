package io.forewarm.sandbox;

import io.forewarm.core.ResourceVector;
import java.nio.file.Path;
import java.util.List;

/** The isolation half of a sandbox: where its processes run, what limits them, how to read and end them. */
interface Partition {

    /** The scratch directory (warm-up files already preloaded). */
    Path scratch();

    /** The full argv that runs {@code argv} inside this partition (constant wrapper scripts, argv passed through). */
    List<String> command(List<String> argv);

    /** Tells the partition about a process it started, for backends that track processes rather than cgroups. */
    void started(ProcessHandle process);

    /**
     * Tells the partition that {@code worker} is ready and lives as long as the sandbox: a partition with its own
     * network namespace counts that namespace's traffic through it from now on.
     */
    void workerReady(ProcessHandle worker);

    /** Kills every process in the partition and waits (bounded) until they are gone. */
    void killAll();

    /** OOM kills recorded by the memory controller so far, or -1 when the backend cannot tell. */
    long oomKills();

    /** Resets the memory peak of later samples to the usage now; returns the peak it ends, or -1 when it cannot. */
    long takeMemoryPeak();

    /** A live usage sample. */
    Usage usage();

    /** Applies new limits to the live partition. */
    void resize(ResourceVector limits);

    /** Kills everything and removes the partition's cgroup and scratch directory. */
    void close();
}
