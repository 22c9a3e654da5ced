package io.forewarm.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** Every endpoint group of a real server on port 0, each error status included. */
class ApiTest {

    private static TestServer t;

    @BeforeAll
    static void start() {
        t = new TestServer(Map.of("server.token", "test-token", "server.max-payload", "64KB"));
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    private static void assertError(HttpResponse<String> r, int status, String kind) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode e = TestServer.json(r).get("error");
        assertThat(e.get("kind").asText()).isEqualTo(kind);
        assertThat(e.get("message").asText()).isNotBlank();
        assertThat(e.get("details").isObject()).isTrue();
    }

    @Test
    void healthNeedsNoTokenButEverythingElseDoes() {
        HttpRequest.Builder noToken = HttpRequest.newBuilder(t.server.uri().resolve("/health/live"));
        assertThat(t.send(noToken).statusCode()).isEqualTo(200);
        assertThat(t.send(HttpRequest.newBuilder(t.server.uri().resolve("/health/ready"))).body()).contains("UP");
        for (String path : new String[] {"/v1/functions", "/metrics", "/openapi", "/v1/resources", "/v1/stats"}) {
            HttpResponse<String> r = t.send(HttpRequest.newBuilder(t.server.uri().resolve(path)));
            assertError(r, 401, "unauthorized");
            assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v)
                    .startsWith("Bearer"));
        }
        HttpResponse<String> wrong = t.send(HttpRequest.newBuilder(t.server.uri().resolve("/v1/functions"))
                .header("Authorization", "Bearer test-tokem"));
        assertError(wrong, 401, "unauthorized");
        assertThat(t.get("/v1/functions").statusCode()).isEqualTo(200);
    }

    @Test
    void functionsAreCreatedReadListedUpdatedAndDeleted() {
        ObjectNode spec = TestServer.echoSpec("crud");
        HttpResponse<String> created = t.put("/v1/functions/crud", spec);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(TestServer.json(created).get("version").asLong()).isEqualTo(1);
        assertThat(TestServer.json(created).get("policy").asText()).isEqualTo("fixed:10");

        HttpResponse<String> same = t.put("/v1/functions/crud", spec);
        assertThat(same.statusCode()).isEqualTo(200);
        assertThat(TestServer.json(same).get("outcome").asText()).isEqualTo("unchanged");
        assertThat(TestServer.json(same).get("version").asLong()).isEqualTo(1);

        JsonNode got = TestServer.json(t.get("/v1/functions/crud"));
        assertThat(got.get("argv")).isEqualTo(spec.get("argv"));
        assertThat(TestServer.json(t.get("/v1/functions")).get("functions").findValuesAsText("name"))
                .contains("crud");

        spec.put("maxConcurrency", 3).put("version", 1);
        HttpResponse<String> updated = t.put("/v1/functions/crud", spec);
        assertThat(TestServer.json(updated).get("outcome").asText()).isEqualTo("updated");
        assertThat(TestServer.json(updated).get("version").asLong()).isEqualTo(2);
        assertThat(TestServer.json(updated).get("maxConcurrency").asInt()).isEqualTo(3);

        assertThat(t.delete("/v1/functions/crud").statusCode()).isEqualTo(204);
        assertError(t.get("/v1/functions/crud"), 404, "not_found");
        assertError(t.delete("/v1/functions/crud"), 404, "not_found");
    }

    @Test
    void aStaleVersionIsAConflict() {
        ObjectNode spec = TestServer.echoSpec("versioned");
        spec.put("version", 0); // create only
        assertThat(t.put("/v1/functions/versioned", spec).statusCode()).isEqualTo(201);
        HttpResponse<String> again = t.put("/v1/functions/versioned", spec);
        assertError(again, 409, "conflict");
        assertThat(TestServer.json(again).at("/error/details/version").asLong()).isEqualTo(1);
        t.delete("/v1/functions/versioned");
    }

    @Test
    void malformedSpecsAreBadRequestsNamingWhatIsWrong() {
        HttpResponse<String> notJson = t.putRaw("/v1/functions/bad", "{\"name\": ");
        assertError(notJson, 400, "bad_request");
        assertThat(notJson.body()).contains("line 1");
        ObjectNode unknown = TestServer.echoSpec("bad").put("colour", "red");
        assertThat(t.put("/v1/functions/bad", unknown).body()).contains("colour");
        assertError(t.put("/v1/functions/other", TestServer.echoSpec("bad")), 400, "bad_request");
        ObjectNode badTimeout = TestServer.echoSpec("bad").put("timeout", "soon");
        HttpResponse<String> r = t.put("/v1/functions/bad", badTimeout);
        assertError(r, 400, "bad_request");
        assertThat(r.body()).contains("timeout").contains("soon");
        ObjectNode badPolicy = TestServer.echoSpec("bad").put("policy", "psychic");
        assertThat(t.put("/v1/functions/bad", badPolicy).body()).contains("psychic");
        assertError(t.get("/v1/functions/bad"), 404, "not_found");
    }

    @Test
    void invocationsReportColdThenWarmWithTheirTimes() {
        t.put("/v1/functions/inv", TestServer.echoSpec("inv"));
        HttpResponse<String> first = t.post("/v1/functions/inv/invocations", "hello".getBytes(StandardCharsets.UTF_8));
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(first.body()).isEqualTo("hello");
        assertThat(first.headers().firstValue("X-Forewarm-Start")).hasValue("cold");
        assertThat(first.headers().firstValue("X-Forewarm-Exit")).hasValue("ok");
        assertThat(Long.parseLong(first.headers().firstValue("X-Forewarm-Init-Ms").orElseThrow())).isPositive();
        HttpResponse<String> second = t.post("/v1/functions/inv/invocations", "again".getBytes(StandardCharsets.UTF_8));
        assertThat(second.body()).isEqualTo("again");
        assertThat(second.headers().firstValue("X-Forewarm-Start")).hasValue("warm");
        assertThat(second.headers().firstValue("X-Forewarm-Init-Ms")).hasValue("0");
        assertThat(second.headers().map()).containsKeys("x-forewarm-queue-ms", "x-forewarm-run-ms");
        t.delete("/v1/functions/inv");
    }

    @Test
    void asyncInvocationsAreAcceptedAndPolled() throws InterruptedException {
        t.put("/v1/functions/later", TestServer.echoSpec("later"));
        HttpResponse<String> accepted = t.post("/v1/functions/later/invocations?async=true",
                "x".getBytes(StandardCharsets.UTF_8));
        assertThat(accepted.statusCode()).isEqualTo(202);
        String id = TestServer.json(accepted).get("id").asText();
        assertThat(accepted.headers().firstValue("Location")).hasValue("/v1/invocations/" + id);
        JsonNode done;
        do {
            Thread.sleep(50);
            done = TestServer.json(t.get("/v1/invocations/" + id));
        } while (done.get("status").asText().equals("running"));
        assertThat(done.get("exit").asText()).isEqualTo("ok");
        assertThat(done.get("output").asText()).isEqualTo("x");
        assertThat(done.get("start").asText()).isEqualTo("cold");
        assertError(t.get("/v1/invocations/no-such-id"), 404, "not_found");
        t.delete("/v1/functions/later");
    }

    @Test
    void invokingAnUnknownFunctionIs404AndAnOversizedPayload413() {
        assertError(t.post("/v1/functions/ghost/invocations", new byte[1]), 404, "not_found");
        t.put("/v1/functions/big", TestServer.echoSpec("big"));
        HttpResponse<String> r = t.post("/v1/functions/big/invocations", new byte[64 * 1024 + 1]);
        assertError(r, 413, "payload_too_large");
        assertThat(TestServer.json(r).at("/error/details/limitBytes").asLong()).isEqualTo(64 * 1024);
        HttpResponse<String> fits = t.post("/v1/functions/big/invocations", new byte[64 * 1024]);
        assertThat(fits.statusCode()).isEqualTo(200);
        assertThat(fits.body()).hasSize(64 * 1024);
        t.delete("/v1/functions/big");
    }

    @Test
    void aFunctionErrorIs502AndATimeout504() {
        t.put("/v1/functions/fails", TestServer.commandSpec("fails", "5s", "false"));
        HttpResponse<String> failed = t.post("/v1/functions/fails/invocations", new byte[0]);
        assertError(failed, 502, "function_error");
        assertThat(failed.headers().firstValue("X-Forewarm-Exit")).hasValue("function_error");

        t.put("/v1/functions/sleepy", TestServer.commandSpec("sleepy", "300ms", "sleep", "5"));
        HttpResponse<String> slow = t.post("/v1/functions/sleepy/invocations", new byte[0]);
        assertError(slow, 504, "timeout");
        t.delete("/v1/functions/fails");
        t.delete("/v1/functions/sleepy");
    }

    @Test
    void noCapacityInTimeIs503WithRetryAfter() {
        // one sandbox at most; while it sleeps the next request waits the 300 ms queue deadline and gives up
        t.put("/v1/functions/busy", TestServer.commandSpec("busy", "10s", "sleep", "2"));
        CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(
                () -> t.post("/v1/functions/busy/invocations", new byte[0]));
        while (!busy("busy")) {
            Thread.onSpinWait();
        }
        HttpResponse<String> second = t.post("/v1/functions/busy/invocations", new byte[0]);
        assertError(second, 503, "capacity");
        assertThat(second.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(TestServer.json(second).at("/error/details/rejection").asText()).isEqualTo("deadline");
        assertThat(first.join().statusCode()).isEqualTo(200);
        t.delete("/v1/functions/busy");
    }

    @Test
    void aFullQueueIs429WithRetryAfter() {
        // no room to wait at all: while the one sandbox sleeps, the next request is turned away at once
        try (TestServer q = new TestServer(Map.of("engine.queue-capacity", "0"))) {
            q.put("/v1/functions/busy", TestServer.commandSpec("busy", "10s", "sleep", "2"));
            CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(
                    () -> q.post("/v1/functions/busy/invocations", new byte[0]));
            while (!busy(q, "busy")) {
                Thread.onSpinWait();
            }
            HttpResponse<String> second = q.post("/v1/functions/busy/invocations", new byte[0]);
            assertError(second, 429, "capacity");
            assertThat(second.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(TestServer.json(second).at("/error/details/rejection").asText()).isEqualTo("queue_full");
            assertThat(first.join().statusCode()).isEqualTo(200);
        }
    }

    private static boolean busy(String function) {
        return busy(t, function);
    }

    private static boolean busy(TestServer server, String function) {
        for (JsonNode f : TestServer.json(server.get("/v1/resources")).get("functions")) {
            if (f.get("name").asText().equals(function) && f.get("busy").asInt() == 1) {
                return true;
            }
        }
        return false;
    }

    @Test
    void resourcesShowTheBudgetThePoolsAndTheIsolationBackend() {
        t.put("/v1/functions/res", TestServer.echoSpec("res"));
        t.post("/v1/functions/res/invocations", new byte[] {1});
        JsonNode r = TestServer.json(t.get("/v1/resources"));
        assertThat(r.at("/capacity/cpu").asDouble()).isEqualTo(2.0);
        assertThat(r.at("/capacity/memoryBytes").asLong()).isEqualTo(2L << 30);
        assertThat(r.at("/isolation/backend").asText()).isNotBlank();
        assertThat(r.at("/isolation/reason").asText()).isNotBlank();
        JsonNode fn = null;
        for (JsonNode f : r.get("functions")) {
            if (f.get("name").asText().equals("res")) {
                fn = f;
            }
        }
        assertThat(fn).isNotNull();
        assertThat(fn.get("warm").asInt()).isEqualTo(1);
        assertThat(fn.get("busy").asInt()).isZero();
        assertThat(fn.get("running").asInt()).isZero();
        assertThat(r.at("/allocated/memoryBytes").asLong()).isPositive();
        t.delete("/v1/functions/res");
    }

    @Test
    void modelsAreReadAndChangedAndForecastsFollowTheWindow() {
        t.put("/v1/functions/mod", TestServer.echoSpec("mod"));
        JsonNode m = TestServer.json(t.get("/v1/functions/mod/model"));
        assertThat(m.get("policy").asText()).isEqualTo("fixed:10");
        assertThat(m.get("window").isNull()).isTrue(); // no arrival yet: no window
        assertThat(m.get("available").toString()).contains("hybrid");
        // Its spec gives no sizing bounds: the next sandbox is the spec's size and says so.
        assertThat(m.at("/resources/sizable").asBoolean()).isFalse();
        assertThat(m.at("/resources/active").asBoolean()).isFalse();
        assertThat(m.at("/resources/next/memoryBytes").asLong()).isEqualTo(m.at("/resources/recommended/memoryBytes")
                .asLong()).isEqualTo(m.at("/resources/max/memoryBytes").asLong());

        HttpResponse<String> changed = t.put("/v1/functions/mod/model", Map.of("policy", "fixed:20"));
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
        assertThat(TestServer.json(changed).at("/parameters/value").asText()).isEqualTo("20");
        assertError(t.put("/v1/functions/mod/model", Map.of("policy", "fixed:minus")), 400, "bad_request");
        assertError(t.put("/v1/functions/mod/model", Map.of("colour", "red")), 400, "bad_request");
        assertError(t.put("/v1/functions/ghost/model", Map.of("policy", "fixed:1")), 404, "not_found");

        JsonNode before = TestServer.json(t.get("/v1/functions/mod/forecast"));
        assertThat(before.at("/plan/state").asText()).isEqualTo("no-arrival-yet");
        t.post("/v1/functions/mod/invocations", new byte[] {1});
        JsonNode after = TestServer.json(t.get("/v1/functions/mod/forecast"));
        assertThat(after.at("/window/keepAliveMs").asLong()).isEqualTo(20 * 60_000L);
        assertThat(after.at("/plan/state").asText()).isEqualTo("keep-warm");
        // every decision explains itself: the model with its recent error, and why the one sandbox exists
        assertThat(after.at("/model/policy").asText()).isEqualTo("fixed:20");
        assertThat(after.at("/model/recentError/events").asInt()).isZero();
        assertThat(after.get("sandboxes")).singleElement().satisfies(sb -> {
            assertThat(sb.get("state").asText()).isEqualTo("warm");
            assertThat(sb.get("reason").asText()).contains("inside its window until");
        });
        assertThat(after.get("arrivalsPerMinute")).hasSize(60);
        assertThat(after.at("/resources/samples").asLong()).as("an unsizable function records none").isZero();
        assertThat(TestServer.json(t.get("/v1/functions/mod/model")).at("/window/keepAliveMs").asLong())
                .isEqualTo(20 * 60_000L);
        assertError(t.get("/v1/functions/ghost/forecast"), 404, "not_found");

        // operator bounds: a 5-minute cap on fixed:20, kept when only the policy changes afterwards
        HttpResponse<String> capped = t.put("/v1/functions/mod/model",
                Map.of("keepAlive", Map.of("maxMs", 300_000)));
        assertThat(capped.statusCode()).as(capped.body()).isEqualTo(200);
        assertThat(TestServer.json(capped).at("/keepAlive/maxMs").asLong()).isEqualTo(300_000);
        assertThat(TestServer.json(capped).at("/policy").asText()).isEqualTo("fixed:20");
        t.post("/v1/functions/mod/invocations", new byte[] {2});
        assertThat(TestServer.json(t.get("/v1/functions/mod/forecast")).at("/window/keepAliveMs").asLong())
                .isEqualTo(300_000);
        JsonNode repoliced = TestServer.json(t.put("/v1/functions/mod/model", Map.of("policy", "fixed:30")));
        assertThat(repoliced.at("/keepAlive/maxMs").asLong()).isEqualTo(300_000);
        assertThat(repoliced.at("/keepAlive/minMs").asLong()).isZero();
        assertError(t.put("/v1/functions/mod/model", Map.of("keepAlive", Map.of("minMs", -1))), 400, "bad_request");
        assertError(t.put("/v1/functions/mod/model", Map.of("keepAlive", Map.of("minMs", 9, "maxMs", 5))), 400,
                "bad_request");
        assertError(t.put("/v1/functions/mod/model", Map.of("keepAlive", Map.of("minutes", 5))), 400,
                "bad_request");
        assertError(t.put("/v1/functions/mod/model", Map.of("keepAlive", "long")), 400, "bad_request");
        t.delete("/v1/functions/mod");
    }

    @Test
    void aSpecWithSizingBoundsShowsThemInTheModel() {
        ObjectNode spec = TestServer.commandSpec("sized", "5s", "cat");
        spec.putObject("limits").put("cpu", 1).put("memory", "128MB");
        spec.putObject("minLimits").put("cpu", 0.25).put("memory", "32MB");
        spec.putObject("maxLimits").put("cpu", 2).put("memory", "512MB");
        HttpResponse<String> put = t.put("/v1/functions/sized", spec);
        assertThat(put.statusCode()).as(put.body()).isIn(200, 201);
        assertThat(TestServer.json(t.get("/v1/functions/sized")).at("/maxLimits/memory").asText()).isEqualTo("512MB");
        JsonNode m = TestServer.json(t.get("/v1/functions/sized/model"));
        assertThat(m.at("/resources/sizable").asBoolean()).isTrue();
        assertThat(m.at("/resources/active").asBoolean()).as("no runs yet").isFalse();
        assertThat(m.at("/resources/min/memoryBytes").asLong()).isEqualTo(32L << 20);
        assertThat(m.at("/resources/max/cpu").asDouble()).isEqualTo(2);
        assertThat(m.at("/resources/next/memoryBytes").asLong()).isEqualTo(128L << 20);
        spec.putObject("minLimits").put("memory", "1GB");
        assertError(t.put("/v1/functions/sized", spec), 400, "bad_request");
        t.delete("/v1/functions/sized");
    }

    @Test
    void statsCountColdAndWarmInvocationsAndMetricsExposeThem() {
        t.put("/v1/functions/counted", TestServer.echoSpec("counted"));
        for (int i = 0; i < 3; i++) {
            assertThat(t.post("/v1/functions/counted/invocations", new byte[] {(byte) i}).statusCode())
                    .isEqualTo(200);
        }
        JsonNode s = TestServer.json(t.get("/v1/stats?function=counted&window=1h")).get("functions").get(0);
        assertThat(s.get("function").asText()).isEqualTo("counted");
        assertThat(s.get("invocations").asLong()).isEqualTo(3);
        assertThat(s.get("cold").asLong()).isEqualTo(1);
        assertThat(s.get("coldPercent").asDouble()).isCloseTo(100.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(s.at("/warmLatencyMillis/count").asLong()).isEqualTo(2);
        assertError(t.get("/v1/stats?window=forever"), 400, "bad_request");
        assertError(t.get("/v1/stats?function=ghost"), 404, "not_found");

        HttpResponse<String> metrics = t.get("/metrics");
        assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(metrics.body())
                .contains("forewarm_invocations_total{function=\"counted\",start=\"cold\"} 1.0")
                .contains("forewarm_invocations_total{function=\"counted\",start=\"warm\"} 2.0")
                .contains("forewarm_invocation_duration_seconds_bucket{function=\"counted\",start=\"warm\",le=")
                .contains("forewarm_pool_sandboxes{function=\"counted\",state=\"warm\"} 1.0")
                .contains("forewarm_running_invocations{function=\"counted\"} 0.0")
                .contains("forewarm_host_memory_bytes{kind=\"capacity\"}");

        HttpResponse<String> csv = t.get("/v1/history/export");
        assertThat(csv.body().lines().findFirst()).hasValue(io.forewarm.history.TraceCsvExport.HEADER.strip());
        assertThat(csv.body().lines().filter(l -> l.contains(",counted,")).count()).isEqualTo(3);
        assertError(t.get("/v1/history/export?from=yesterday"), 400, "bad_request");
        t.delete("/v1/functions/counted");
    }

    @Test
    void theOpenApiDocumentIsServedAsKeptInTheRepository() throws Exception {
        HttpResponse<String> r = t.get("/openapi");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(Files.readString(Path.of("../docs/openapi.yaml")));
        JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper(
                new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(r.body());
        assertThat(doc.get("openapi").asText()).startsWith("3.");
        java.util.List<String> documented = new java.util.ArrayList<>();
        for (Map.Entry<String, JsonNode> p : doc.get("paths").properties()) {
            for (Map.Entry<String, JsonNode> m : p.getValue().properties()) {
                if (!m.getKey().equals("parameters")) {
                    documented.add(m.getKey().toUpperCase(java.util.Locale.ROOT) + " " + p.getKey());
                }
            }
        }
        // the routes Api serves, as a contract: a route added or removed without documenting it fails here
        assertThat(documented).containsExactlyInAnyOrder("GET /v1/functions", "PUT /v1/functions/{name}",
                "GET /v1/functions/{name}", "DELETE /v1/functions/{name}", "POST /v1/functions/{name}/invocations",
                "GET /v1/invocations/{id}", "GET /v1/functions/{name}/model", "PUT /v1/functions/{name}/model",
                "GET /v1/functions/{name}/forecast", "GET /v1/resources", "GET /v1/stats", "GET /v1/history/export",
                "GET /v1/signals", "POST /v1/signals", "GET /v1/signals/{name}", "DELETE /v1/signals/{name}",
                "POST /v1/signals/{name}/events",
                "GET /metrics", "GET /health/live", "GET /health/ready", "GET /openapi", "GET /dashboard", "GET /");
    }

    @Test
    void anUnknownRouteIsAJson404() {
        assertError(t.get("/v2/everything"), 404, "not_found");
        assertError(t.send(t.request("/v1/functions").method("PATCH", HttpRequest.BodyPublishers.noBody())),
                404, "not_found");
    }
}
