package io.forewarm.sim.trace;

import java.io.IOException;
import java.nio.file.Path;

/** A trace file that cannot be read as its format says; the message names file, line and column. */
public final class TraceFormatException extends IOException {

    private final Path file;
    private final long line;
    private final int column;

    /**
     * A problem at {@code line} (1-based; 0 when the whole file is wrong, e.g. missing) and {@code column}
     * (1-based field number; 0 when the whole line is wrong).
     */
    public TraceFormatException(Path file, long line, int column, String problem) {
        super(file + (line > 0 ? ":" + line : "") + (column > 0 ? ":" + column : "") + ": " + problem);
        this.file = file;
        this.line = line;
        this.column = column;
    }

    /** The file that is wrong. */
    public Path file() {
        return file;
    }

    /** The 1-based line, or 0 when the problem is the whole file. */
    public long line() {
        return line;
    }

    /** The 1-based column, or 0 when the problem is the whole line or file. */
    public int column() {
        return column;
    }
}
