package io.forewarm.sandbox;

import io.forewarm.core.FunctionSpec;
import io.forewarm.core.ResourceVector;
import java.io.IOException;

/** Makes partitions on one backend. */
interface PartitionProvider {

    /** What this backend isolates, and why it was chosen. */
    Isolation isolation();

    /** A new partition named {@code id} for {@code spec} with {@code limits}, scratch preloaded. */
    Partition open(String id, FunctionSpec spec, ResourceVector limits) throws IOException;
}
