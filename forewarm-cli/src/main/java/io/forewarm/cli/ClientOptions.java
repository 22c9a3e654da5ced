package io.forewarm.cli;

import picocli.CommandLine.Option;

import java.net.URI;
import java.util.Locale;

/** Options every client command shares: where the server is, its token, and the output format. */
final class ClientOptions {

    @Option(names = "--server", paramLabel = "URL", defaultValue = "${env:FOREWARM_URL:-http://127.0.0.1:8080}",
            description = "The server (default: $FOREWARM_URL or ${DEFAULT-VALUE}).")
    URI server;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:FOREWARM_TOKEN}",
            description = "Bearer token (default: $FOREWARM_TOKEN).")
    String token;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "human",
            description = "human (default) or json.")
    String output;

    /** A client for the configured server. */
    ApiClient client() {
        return new ApiClient(server, token);
    }

    /** Whether output is JSON for scripts; fails naming a bad format. */
    boolean json() {
        return switch (output.toLowerCase(Locale.ROOT)) {
            case "json" -> true;
            case "human" -> false;
            default -> throw new IllegalArgumentException("--output must be human or json but was '" + output + "'");
        };
    }
}
