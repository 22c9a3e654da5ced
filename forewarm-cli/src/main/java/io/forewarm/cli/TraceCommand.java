package io.forewarm.cli;

import picocli.CommandLine.Command;

/** {@code forewarm trace}: generate and inspect traces. */
@Command(name = "trace", description = "Generate and inspect traces.")
final class TraceCommand {
}
