package io.forewarm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceCommandTest {

    @Test
    void infoSummarizesTheBundledAzure2019Excerpt() {
        CliRun r = CliRun.of("trace", "info", "--trace", "../traces/azure2019/sample500_8h");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("functions:   500", "apps:        476", "minutes 480..959 (480 minutes",
                "invocations: 3037902").containsPattern("timer +247 functions");
    }

    @Test
    void infoReadsTheAzure2021FileWithAnExplicitFormat() {
        CliRun r = CliRun.of("trace", "info", "--trace", "../traces/azure2021/Azure2021_200.csv",
                "--trace-format", "azure2021");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("invocations: 199", "(none)");
    }

    @Test
    void generateWritesATraceThatInfoReadsBack(@TempDir Path dir) {
        Path trace = dir.resolve("t");
        CliRun generated = CliRun.of("trace", "generate", "--functions", "40", "--days", "2", "--seed", "5",
                "--out", trace.toString());

        assertThat(generated.exitCode()).as(generated.err()).isZero();
        assertThat(generated.out()).startsWith("generated 40 functions in ").contains("2880 minutes (2 days)");
        assertThat(generated.out().lines()).hasSize(1);
        assertThat(trace.resolve("patterns.csv")).exists();
        CliRun info = CliRun.of("trace", "info", "--trace", trace.toString());
        assertThat(info.exitCode()).isZero();
        assertThat(info.out()).contains("functions:   40", "minutes 0..2879");
    }

    @Test
    void invalidValuesExitWithCodeTwoAndSayWhy(@TempDir Path dir) throws Exception {
        assertBadInput("functions must be at least 1, got 0",
                "trace", "generate", "--functions", "0", "--days", "1", "--out", dir.toString());
        assertBadInput("--functions", "trace", "generate", "--functions", "x", "--days", "1", "--out", dir.toString());
        assertBadInput("Missing required option: '--functions=N'",
                "trace", "generate", "--days", "1", "--out", dir.toString());

        Files.writeString(dir.resolve("invocations.csv"), "x");
        assertBadInput("already holds a trace",
                "trace", "generate", "--functions", "1", "--days", "1", "--out", dir.toString());
        assertBadInput("unknown trace format 'nope'", "trace", "info", "--trace", dir.toString(), "--trace-format",
                "nope");
        assertBadInput("missing.csv: file not found", "trace", "info", "--trace",
                dir.resolve("missing.csv").toString());
        assertBadInput("invocations.csv:1:1: expected column 'HashOwner' but found 'x'",
                "trace", "info", "--trace", dir.toString());
    }

    @Test
    void traceWithoutSubcommandIsBadUsage() {
        CliRun r = CliRun.of("trace");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).containsIgnoringCase("subcommand");
    }

    private static void assertBadInput(String message, String... args) {
        CliRun r = CliRun.of(args);
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains(message);
    }
}
