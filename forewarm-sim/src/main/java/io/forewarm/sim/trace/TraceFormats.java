package io.forewarm.sim.trace;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trace formats, registered by name (as Caffeine's simulator registers its trace readers):
 * {@code azure2019} (a directory of per-minute counts), {@code azure2021} and {@code csv} (files of
 * individual invocations). See {@link Azure2019Trace} and {@link InvocationCsv} for the exact layouts.
 *
 * <p>Readers validate as they go and throw {@link TraceFormatException} naming file, line and column. The
 * Azure 2019 reader streams, so an error may surface from {@link Trace#forEach} after some series were
 * delivered: consumers must treat the whole read as failed and not publish partial results.
 */
public final class TraceFormats {

    /** Opens a trace file or directory. */
    @FunctionalInterface
    interface Opener {
        /** Opens {@code path}. */
        Trace open(Path path) throws IOException;
    }

    private static final Map<String, Opener> FORMATS = new LinkedHashMap<>();

    static {
        FORMATS.put(Azure2019Trace.NAME, Azure2019Trace::open);
        FORMATS.put(InvocationCsv.AZURE2021, InvocationCsv::openAzure2021);
        FORMATS.put(InvocationCsv.CSV, InvocationCsv::openCsv);
    }

    private TraceFormats() {
    }

    /** The registered format names. */
    public static List<String> names() {
        return List.copyOf(FORMATS.keySet());
    }

    /**
     * Opens {@code path} as {@code format}, or, when {@code format} is null, as the detected format.
     *
     * @throws IllegalArgumentException when the format name is unknown
     * @throws TraceFormatException     when the file is missing or malformed
     */
    public static Trace open(String format, Path path) throws IOException {
        String name = format == null ? detect(path) : format;
        Opener opener = FORMATS.get(name);
        if (opener == null) {
            throw new IllegalArgumentException("unknown trace format '" + name + "' (known: "
                    + String.join(", ", FORMATS.keySet()) + ")");
        }
        return opener.open(path);
    }

    /**
     * The format of {@code path}: a directory holding {@code invocations.csv} is {@code azure2019}, a file
     * whose header is {@code app,func,end_timestamp,duration} is {@code azure2021}, any other file is
     * {@code csv}.
     */
    public static String detect(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            if (!Files.isRegularFile(path.resolve("invocations.csv"))) {
                throw new TraceFormatException(path, 0, 0, "directory holds no invocations.csv");
            }
            return Azure2019Trace.NAME;
        }
        if (!Files.isRegularFile(path)) {
            throw new TraceFormatException(path, 0, 0, "file not found");
        }
        try (BufferedReader r = Files.newBufferedReader(path, StandardCharsets.ISO_8859_1)) {
            String header = r.readLine();
            return header != null && header.strip().equals(InvocationCsv.AZURE2021_HEADER)
                    ? InvocationCsv.AZURE2021 : InvocationCsv.CSV;
        }
    }
}
