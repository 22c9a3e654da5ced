package io.forewarm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The CLI's HTTP client of the Forewarm API: one call per method, errors turned into {@link Failure}s. */
final class ApiClient {

    /** Exit code when the server answered with an error. */
    static final int FAILED = 1;
    /** Exit code when the server could not be reached. */
    static final int UNREACHABLE = 3;
    /** Exit code when the function (or invocation) does not exist. */
    static final int NOT_FOUND = 4;

    static final ObjectMapper JSON = new ObjectMapper();

    /** A failed call: what to print and the exit code it maps to. */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int exitCode;

        Failure(int exitCode, String message) {
            super(message);
            this.exitCode = exitCode;
        }
    }

    /** A response: status, body and the one header lookup the commands need. */
    record Response(int status, byte[] body, HttpResponse<byte[]> raw) {

        String header(String name) {
            return raw.headers().firstValue(name).orElse("");
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new Failure(FAILED, "the server sent malformed JSON (status " + status + "): " + e.getMessage());
            }
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final URI base;
    private final String token;
    // HTTP/1.1: the server speaks it, and the default (HTTP/2) would ask every plain connection to upgrade first
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    ApiClient(URI base, String token) {
        this.base = base;
        this.token = token == null ? "" : token;
    }

    /** GET {@code path}; fails unless 2xx. */
    Response get(String path) {
        return send("GET", path, HttpRequest.BodyPublishers.noBody(), null);
    }

    /** DELETE {@code path}; fails unless 2xx. */
    Response delete(String path) {
        return send("DELETE", path, HttpRequest.BodyPublishers.noBody(), null);
    }

    /** PUT {@code json} at {@code path}; fails unless 2xx. */
    Response put(String path, JsonNode json) {
        try {
            return send("PUT", path, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(json)),
                    "application/json");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** POST {@code body} to {@code path}; fails unless 2xx. */
    Response post(String path, byte[] body) {
        return send("POST", path, HttpRequest.BodyPublishers.ofByteArray(body), "application/octet-stream");
    }

    private Response send(String method, String path, HttpRequest.BodyPublisher body, String contentType) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(5))
                .method(method, body);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (!token.isEmpty()) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<byte[]> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            throw new Failure(UNREACHABLE, "cannot reach the server at " + base + " (is `forewarm serve` running?"
                    + " set --server or FOREWARM_URL)");
        } catch (IOException e) {
            throw new Failure(UNREACHABLE, "talking to " + base + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(FAILED, "interrupted");
        }
        Response res = new Response(r.statusCode(), r.body(), r);
        if (r.statusCode() / 100 != 2) {
            throw new Failure(r.statusCode() == 404 ? NOT_FOUND : FAILED, describeError(res));
        }
        return res;
    }

    /** The server's error message (from the one error shape), or the status and body. */
    private static String describeError(Response r) {
        try {
            JsonNode e = JSON.readTree(r.body()).get("error");
            if (e != null) {
                return e.path("message").asText() + " (" + r.status() + " " + e.path("kind").asText() + ")";
            }
        } catch (IOException ignored) {
            // not our error shape: fall through to the raw text
        }
        return "HTTP " + r.status() + ": " + r.text();
    }
}
