package io.forewarm.cli;

import picocli.CommandLine.Command;

/** {@code forewarm simulate}: replay a trace against policies. */
@Command(name = "simulate", description = "Replay a trace against keep-alive and pre-warm policies.")
final class SimulateCommand {
}
