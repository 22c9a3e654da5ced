package io.forewarm.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.StringJoiner;
import java.util.concurrent.Callable;

/** {@code forewarm history}: the server's execution history. */
@Command(name = "history", mixinStandardHelpOptions = true, description = "Read the server's execution history.",
        subcommands = HistoryCommand.Export.class)
final class HistoryCommand {

    private HistoryCommand() {
    }

    /** {@code forewarm history export}: CSV that {@code forewarm simulate --trace-format csv} replays. */
    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write execution records as CSV, a trace `forewarm simulate --trace-format csv` replays.",
            footer = Client.EXIT_CODES)
    static final class Export implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Option(names = "--from", paramLabel = "INSTANT", description = "First arrival, e.g. 2026-01-31T00:00:00Z.")
        String from;
        @Option(names = "--to", paramLabel = "INSTANT", description = "End (exclusive) of the arrivals.")
        String to;
        @Option(names = "--out", paramLabel = "FILE", description = "Write to FILE instead of standard output.")
        Path out;

        @Override
        public Integer call() {
            return options.call((api, stdout) -> {
                StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
                if (from != null) {
                    q.add("from=" + Client.path(from));
                }
                if (to != null) {
                    q.add("to=" + Client.path(to));
                }
                ApiClient.Response r = api.get("/v1/history/export" + q);
                if (out == null) {
                    stdout.print(r.text());
                    stdout.flush();
                } else {
                    write(out, r.body());
                    long rows = r.text().lines().count() - 1;
                    options.err().printf("wrote %d records to %s%n", rows, out);
                }
            });
        }

        private static void write(Path file, byte[] body) {
            try {
                Files.write(file, body);
            } catch (IOException e) {
                throw new IllegalArgumentException("--out " + file + ": " + e.getMessage(), e);
            }
        }
    }
}
