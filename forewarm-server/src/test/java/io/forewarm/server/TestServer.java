package io.forewarm.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.forewarm.core.FunctionSpec;
import io.forewarm.examples.Echo;
import io.forewarm.examples.Launchers;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real server on port 0 (real engine, sandboxes under their own cgroup parent and scratch root, history in
 * memory) and a small HTTP client for the tests.
 */
final class TestServer implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    final ForewarmServer server;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String token;

    /** Starts a server with the test defaults overridden by {@code flags}. */
    TestServer(Map<String, String> flags) {
        Map<String, String> all = new LinkedHashMap<>(Map.of(
                "server.port", "0",
                "engine.cpu", "2",
                "engine.memory", "2GB",
                "engine.queue-deadline", "300ms",
                "engine.default-policy", "fixed:10",
                "sandbox.cgroup-parent", "forewarm-server-test",
                "sandbox.scratch", "/var/tmp/forewarm-server-test-scratch",
                "history.file", "memory",
                "history.functions-file", "none",
                "history.signals-file", "none"));
        all.putAll(flags);
        server = ForewarmServer.start(ServerConfig.load(null, Map.of(), all));
        token = server.token();
    }

    /** The echo example worker as a JSON spec. */
    static ObjectNode echoSpec(String name) {
        return SpecCodec.write(Launchers.java(name, Echo.class).build());
    }

    /** A command function running {@code argv} with {@code timeout}. */
    static ObjectNode commandSpec(String name, String timeout, String... argv) {
        ObjectNode o = SpecCodec.write(FunctionSpec.builder(name, FunctionSpec.Kind.COMMAND, List.of(argv))
                .maxConcurrency(1).build());
        o.put("timeout", timeout);
        return o;
    }

    HttpResponse<String> get(String path) {
        return send(request(path).GET());
    }

    HttpResponse<String> delete(String path) {
        return send(request(path).DELETE());
    }

    HttpResponse<String> put(String path, Object json) {
        return send(request(path).PUT(HttpRequest.BodyPublishers.ofString(write(json)))
                .header("Content-Type", "application/json"));
    }

    HttpResponse<String> putRaw(String path, String body) {
        return send(request(path).PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    HttpResponse<String> post(String path, byte[] body) {
        return send(request(path).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.uri() + path))
                .timeout(Duration.ofSeconds(60));
        if (!token.isEmpty()) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    HttpResponse<String> send(HttpRequest.Builder b) {
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + r.statusCode() + "): " + r.body(), e);
        }
    }

    static String write(Object o) {
        try {
            return o instanceof String s ? s : JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
