package io.forewarm.sim.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every malformed input fails with the file, the 1-based line and column, and what is wrong. */
class TraceErrorsTest {

    private static final String HEAD = "HashOwner,HashApp,HashFunction,Trigger,10,11,12\n";

    @TempDir
    Path dir;

    static Stream<Arguments> brokenInvocations() {
        return Stream.of(
                Arguments.of("bad key header", "HashOwner,HashApp,Func,Trigger,1,2\no,a,f,http,1,2\n", 1, 3,
                        "expected column 'HashFunction'"),
                Arguments.of("minute header not a number", "HashOwner,HashApp,HashFunction,Trigger,1,x\n", 1, 6,
                        "not an integer"),
                Arguments.of("non-consecutive minutes", "HashOwner,HashApp,HashFunction,Trigger,1,2,4\no,a,f,t,0,0,0\n",
                        1, 7, "consecutive"),
                Arguments.of("no minute columns", "HashOwner,HashApp,HashFunction,Trigger\n", 1, 4, "no minute"),
                Arguments.of("empty file", "", 1, 0, "empty file"),
                Arguments.of("header only", HEAD, 2, 0, "no functions"),
                Arguments.of("non-numeric cell", HEAD + "o,a,f,http,1,0,0\no,a,g,http,0,x1,0\n", 3, 6, "not a count"),
                Arguments.of("negative count", HEAD + "o,a,f,http,1,-2,0\n", 2, 6, "negative count"),
                Arguments.of("empty cell", HEAD + "o,a,f,http,1,,0\n", 2, 6, "empty cell"),
                Arguments.of("too few cells", HEAD + "o,a,f,http,1,0\n", 2, 6, "row has 6 cells"),
                Arguments.of("too many cells", HEAD + "o,a,f,http,1,0,0,5\n", 2, 8, "more cells"),
                Arguments.of("row ends in key", HEAD + "o,a,f\n", 2, 3, "row ends"),
                Arguments.of("empty function", HEAD + "o,a,,http,1,0,0\n", 2, 3, "empty HashFunction"),
                Arguments.of("huge count", HEAD + "o,a,f,http,1,99999999999,0\n", 2, 6, "too large"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenInvocations")
    void brokenAzure2019InvocationsNameLineAndColumn(String name, String content, int line, int column,
                                                     String problem) throws IOException {
        Files.writeString(dir.resolve("invocations.csv"), content);

        assertThatThrownBy(() -> TraceReadersTest.readAll(TraceFormats.open("azure2019", dir)))
                .isInstanceOfSatisfying(TraceFormatException.class, e -> {
                    assertThat(e.file()).isEqualTo(dir.resolve("invocations.csv"));
                    assertThat(e.line()).isEqualTo(line);
                    assertThat(e.column()).isEqualTo(column);
                    assertThat(e.getMessage()).contains(problem)
                            .startsWith(dir.resolve("invocations.csv") + ":" + line);
                });
    }

    @Test
    void streamingConsumerSeesTheGoodRowsBeforeTheError() throws IOException {
        Files.writeString(dir.resolve("invocations.csv"), HEAD + "o,a,f,http,1,0,0\no,a,g,http,0,1\n");
        List<FunctionSeries> seen = new ArrayList<>();

        assertThatThrownBy(() -> TraceFormats.open(null, dir).forEach(seen::add))
                .isInstanceOf(TraceFormatException.class).hasMessageContaining(":3:6:");
        assertThat(seen).hasSize(1);
    }

    static Stream<Arguments> brokenSideFiles() {
        return Stream.of(
                Arguments.of("durations.csv", "HashOwner,HashApp,HashFunction,Average\n", 1, 0,
                        "lacks column 'percentile_Average_0'"),
                Arguments.of("durations.csv", "HashOwner,HashApp,HashFunction,Average,percentile_Average_0,"
                        + "percentile_Average_1,percentile_Average_25,percentile_Average_50,percentile_Average_75,"
                        + "percentile_Average_99,percentile_Average_100\no,a,f,3,1,1,2,abc,4,5,6\n", 2, 8,
                        "percentile_Average_50 is not a number"),
                Arguments.of("memory.csv", "HashOwner,HashApp,AverageAllocatedMb\no,a,12\no,a\n", 3, 2,
                        "row has 2 cells"),
                Arguments.of("memory.csv", "HashOwner,HashApp,AverageAllocatedMb\no,a,-1\n", 2, 3,
                        "negative memory"),
                Arguments.of("memory.csv", "HashOwner,HashApp,AverageAllocatedMb,AverageAllocatedMb_pct1,"
                        + "AverageAllocatedMb_pct5,AverageAllocatedMb_pct25,AverageAllocatedMb_pct50,"
                        + "AverageAllocatedMb_pct75,AverageAllocatedMb_pct95,AverageAllocatedMb_pct99,"
                        + "AverageAllocatedMb_pct100\no,a,10,5,6,7,8,9,10,8,12\n", 2, 10,
                        "AverageAllocatedMb_pct99 is 8.0 but must be >= 0 and >= the percentile before it"));
    }

    @ParameterizedTest(name = "{0} {4}")
    @MethodSource("brokenSideFiles")
    void brokenDurationsOrMemoryFailAtOpen(String file, String content, int line, int column, String problem)
            throws IOException {
        Files.writeString(dir.resolve("invocations.csv"), HEAD + "o,a,f,http,1,0,0\n");
        Files.writeString(dir.resolve(file), content);

        assertFails(() -> TraceFormats.open(null, dir), dir.resolve(file), line, column, problem);
    }

    static Stream<Arguments> brokenInvocationFiles() {
        return Stream.of(
                Arguments.of("azure2021", "app,func,end,duration\n", 1, 3, "unknown column 'end'"),
                Arguments.of("azure2021", "app,func,end_timestamp,duration\n", 2, 0, "no invocations"),
                Arguments.of("azure2021", "app,func,end_timestamp,duration\na,f,1.5,0.5\na,f,zz,1\n", 3, 3,
                        "end_timestamp is not a number"),
                Arguments.of("azure2021", "app,func,end_timestamp,duration\na,f,1.5,-0.5\n", 2, 4,
                        "negative duration"),
                Arguments.of("azure2021", "app,func,end_timestamp,duration\na,f,1.5,0.5,9\n", 2, 5, "more cells"),
                Arguments.of("csv", "function,app\n", 1, 0, "lacks column 'timestamp'"),
                Arguments.of("csv", "timestamp,function,function\n", 1, 3, "duplicate column"),
                Arguments.of("csv", "timestamp,function\n1,f\n2\n", 3, 1, "row has 1 cells"),
                Arguments.of("csv", "timestamp,function\n2024-13-01T00:00:00Z,f\n", 2, 1, "ISO-8601"),
                Arguments.of("csv", "timestamp,function\n1e300,f\n", 2, 1, "out of range"),
                Arguments.of("csv", "function,timestamp,memory_mb\nf,1,big\n", 2, 3, "memory_mb is not a number"),
                Arguments.of("csv", "timestamp,function\n1,\n", 2, 2, "empty function"),
                Arguments.of("csv", "", 1, 0, "empty file"));
    }

    @ParameterizedTest(name = "{0} {4}")
    @MethodSource("brokenInvocationFiles")
    void brokenInvocationFilesNameLineAndColumn(String format, String content, int line, int column,
                                                String problem) throws IOException {
        Path file = dir.resolve("calls.csv");
        Files.writeString(file, content);

        assertFails(() -> TraceFormats.open(format, file), file, line, column, problem);
    }

    @Test
    void missingFilesAreNamed() {
        assertFails(() -> TraceFormats.open(null, dir.resolve("nope.csv")), dir.resolve("nope.csv"), 0, 0,
                "file not found");
        assertFails(() -> TraceFormats.open("azure2019", dir), dir.resolve("invocations.csv"), 0, 0,
                "file not found");
        assertFails(() -> TraceFormats.open(null, dir), dir, 0, 0, "no invocations.csv");
        assertFails(() -> TraceFormats.open("csv", dir.resolve("x.csv")), dir.resolve("x.csv"), 0, 0,
                "file not found");
    }

    @Test
    void unknownFormatNamesTheKnownOnes() {
        assertThatThrownBy(() -> TraceFormats.open("parquet", dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parquet").hasMessageContaining("azure2019, azure2021, csv");
    }

    interface Action {
        void run() throws IOException;
    }

    private static void assertFails(Action action, Path file, long line, int column, String problem) {
        assertThatThrownBy(action::run).isInstanceOfSatisfying(TraceFormatException.class, e -> {
            assertThat(e.file()).isEqualTo(file);
            assertThat(e.line()).isEqualTo(line);
            assertThat(e.column()).isEqualTo(column);
            assertThat(e.getMessage()).contains(problem);
        });
    }
}
