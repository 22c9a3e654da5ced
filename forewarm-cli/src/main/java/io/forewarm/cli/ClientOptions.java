package io.forewarm.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URI;
import java.util.Locale;

/**
 * The mixin every client command shares: where the server is, its token and the output format, and the one
 * way a command calls the API and turns failures into a message and an exit code.
 */
final class ClientOptions {

    /** A command's work: calls the API through {@code api} and prints to {@code out}; throws to fail. */
    @FunctionalInterface
    interface Body {
        /** Does the command's work. */
        void run(ApiClient api, PrintWriter out) throws Exception;
    }

    // the command this mixin is mixed into, whose out/err writers the tests and Main choose
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--server", paramLabel = "URL", defaultValue = "${env:FOREWARM_URL:-http://127.0.0.1:8080}",
            description = "The server (default: $FOREWARM_URL or ${DEFAULT-VALUE}).")
    URI server;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:FOREWARM_TOKEN}",
            description = "Bearer token (default: $FOREWARM_TOKEN).")
    String token;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "human",
            description = "human (default) or json.")
    String output;

    /** Whether output is JSON for scripts; fails naming a bad format. */
    boolean json() {
        return switch (output.toLowerCase(Locale.ROOT)) {
            case "json" -> true;
            case "human" -> false;
            default -> throw new IllegalArgumentException("--output must be human or json but was '" + output + "'");
        };
    }

    /** The command's error writer. */
    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Runs {@code body} against the configured server: 0, or on failure {@code forewarm: message} and its exit code. */
    int call(Body body) {
        try {
            body.run(new ApiClient(server, token), spec.commandLine().getOut());
            return 0;
        } catch (ApiClient.Failure f) {
            err().println("forewarm: " + f.getMessage());
            return f.exitCode;
        } catch (IllegalArgumentException e) {
            err().println("forewarm: " + e.getMessage());
            return Main.BAD_INPUT;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            err().println("forewarm: " + e.getMessage());
            return ApiClient.FAILED;
        }
    }
}
