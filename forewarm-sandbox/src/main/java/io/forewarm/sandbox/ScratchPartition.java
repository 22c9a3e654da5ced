package io.forewarm.sandbox;

import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every partition has: a scratch directory and the spec's pids limit; the backend adds how to limit. */
abstract class ScratchPartition implements Partition {

    private static final Logger LOG = LoggerFactory.getLogger(ScratchPartition.class);

    final Scratch scratch;
    final int pids;

    ScratchPartition(Scratch scratch, int pids) {
        this.scratch = scratch;
        this.pids = pids;
    }

    @Override
    public final Path scratch() {
        return scratch.dir();
    }

    /** Removes the scratch directory, logging (not throwing) a failure: close must go on to release the rest. */
    final void removeScratch() {
        try {
            scratch.remove();
        } catch (IOException e) {
            LOG.error("sandbox scratch {} not removed: {}", scratch.dir(), e.getMessage());
        }
    }
}
