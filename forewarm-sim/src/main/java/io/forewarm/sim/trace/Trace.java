package io.forewarm.sim.trace;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * A readable trace: a horizon of whole minutes and a stream of per-function series. Streaming keeps the
 * memory of a 50,000-function, 14-day replay small; a reader validates as it goes and throws
 * {@link TraceFormatException} on the first bad cell, so a consumer must not publish results of a
 * partial read.
 */
public interface Trace {

    /** What was read, for reports: format and location. */
    String description();

    /** The attribution the data's licence asks for wherever results from it are shown ("" if none). */
    default String credit() {
        return "";
    }

    /** The first minute of the horizon, in the trace's numbering (an Azure 2019 excerpt may start at 480). */
    int firstMinute();

    /** The number of minutes in the horizon. */
    int minutes();

    /** Streams every function's series, in file order. May be called more than once (it reads again). */
    void forEach(Consumer<FunctionSeries> consumer) throws IOException;
}
