package io.forewarm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream oldOut;
    private PrintStream oldErr;

    @BeforeEach
    void capture() {
        oldOut = System.out;
        oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(oldOut);
        System.setErr(oldErr);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void infoSummarizesTheBundledAzure2019Excerpt() {
        int code = Main.run("trace", "info", "--trace", "../traces/azure2019/sample500_8h");

        assertThat(code).as(err()).isZero();
        assertThat(out()).contains("functions:   500", "apps:        476", "minutes 480..959 (480 minutes",
                "invocations: 3037902").containsPattern("timer +247 functions");
    }

    @Test
    void infoReadsTheAzure2021FileWithAnExplicitFormat() {
        int code = Main.run("trace", "info", "--trace", "../traces/azure2021/Azure2021_200.csv",
                "--trace-format", "azure2021");

        assertThat(code).as(err()).isZero();
        assertThat(out()).contains("invocations: 199", "(none)");
    }

    @Test
    void generateWritesATraceThatInfoReadsBack(@TempDir Path dir) {
        Path trace = dir.resolve("t");
        int code = Main.run("trace", "generate", "--functions", "40", "--days", "2", "--seed", "5", "--out",
                trace.toString());

        assertThat(code).as(err()).isZero();
        assertThat(out()).startsWith("generated 40 functions in ").contains("2880 minutes (2 days)");
        assertThat(out().lines()).hasSize(1);
        assertThat(trace.resolve("patterns.csv")).exists();
        out.reset();
        assertThat(Main.run("trace", "info", "--trace", trace.toString())).isZero();
        assertThat(out()).contains("functions:   40", "minutes 0..2879");
    }

    @Test
    void invalidValuesExitWithCodeTwoAndSayWhy(@TempDir Path dir) throws Exception {
        assertThat(Main.run("trace", "generate", "--functions", "0", "--days", "1", "--out", dir.toString()))
                .isEqualTo(2);
        assertThat(err()).contains("functions must be at least 1, got 0");

        assertThat(Main.run("trace", "generate", "--functions", "x", "--days", "1", "--out", dir.toString()))
                .isEqualTo(2);
        assertThat(err()).contains("--functions");

        assertThat(Main.run("trace", "generate", "--days", "1", "--out", dir.toString())).isEqualTo(2);
        assertThat(err()).contains("Missing required option: '--functions=N'");

        Files.writeString(dir.resolve("invocations.csv"), "x");
        assertThat(Main.run("trace", "generate", "--functions", "1", "--days", "1", "--out", dir.toString()))
                .isEqualTo(2);
        assertThat(err()).contains("already holds a trace");

        assertThat(Main.run("trace", "info", "--trace", dir.toString(), "--trace-format", "nope")).isEqualTo(2);
        assertThat(err()).contains("unknown trace format 'nope'");

        assertThat(Main.run("trace", "info", "--trace", dir.resolve("missing.csv").toString())).isEqualTo(2);
        assertThat(err()).contains("missing.csv: file not found");

        assertThat(Main.run("trace", "info", "--trace", dir.toString())).isEqualTo(2);
        assertThat(err()).contains("invocations.csv:1:1: expected column 'HashOwner' but found 'x'");
    }

    @Test
    void traceWithoutSubcommandIsBadUsage() {
        assertThat(Main.run("trace")).isEqualTo(2);
        assertThat(err()).containsIgnoringCase("subcommand");
    }
}
