package io.forewarm.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** What the client commands share besides {@link ClientOptions}: their exit codes' help and path encoding. */
final class Client {

    /** The client commands' exit codes, for their help. */
    static final String EXIT_CODES = "%nExit codes:%n  0   success%n"
            + "  1   the server refused the request or the function failed (the message says why)%n"
            + "  2   bad usage or bad input%n  3   the server could not be reached%n"
            + "  4   no such function or invocation%n";

    private Client() {
    }

    /** URL-encodes one path segment. */
    static String path(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
