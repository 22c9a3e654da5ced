package io.forewarm.cli;

import picocli.CommandLine.Model.CommandSpec;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/** What the client commands share: exit codes, and turning failures into a message and an exit code. */
final class Client {

    /** The client commands' exit codes, for their help. */
    static final String EXIT_CODES = "%nExit codes:%n  0   success%n"
            + "  1   the server refused the request or the function failed (the message says why)%n"
            + "  2   bad usage or bad input%n  3   the server could not be reached%n"
            + "  4   no such function or invocation%n";

    private Client() {
    }

    /** Runs {@code body}; a failed call prints {@code forewarm: message} and returns its exit code. */
    static int run(CommandSpec spec, Callable<Integer> body) {
        try {
            return body.call();
        } catch (ApiClient.Failure f) {
            spec.commandLine().getErr().println("forewarm: " + f.getMessage());
            return f.exitCode;
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("forewarm: " + e.getMessage());
            return Main.BAD_INPUT;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            spec.commandLine().getErr().println("forewarm: " + e.getMessage());
            return ApiClient.FAILED;
        }
    }

    /** URL-encodes one path segment. */
    static String path(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
