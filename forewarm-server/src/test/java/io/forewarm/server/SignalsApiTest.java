package io.forewarm.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code /v1/signals}: create, list, read, append events, delete, and how signals show in forecast and model. */
class SignalsApiTest {

    private static TestServer t;

    @BeforeAll
    static void start() {
        t = new TestServer(Map.of());
        for (String[] fn : new String[][] {{"etl", "seasonal"}, {"plain", "fixed:10"}}) {
            ObjectNode spec = TestServer.commandSpec(fn[0], "5s", "/bin/true");
            spec.put("policy", fn[1]);
            assertThat(t.put("/v1/functions/" + fn[0], spec).statusCode()).isEqualTo(201);
        }
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    private static HttpResponse<String> post(String path, Object body) {
        return t.post(path, TestServer.write(body).getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode assertError(HttpResponse<String> r, int status, String kind, String message) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode e = TestServer.json(r).get("error");
        assertThat(e.get("kind").asText()).isEqualTo(kind);
        assertThat(e.get("message").asText()).contains(message);
        assertThat(e.get("details").isObject()).isTrue();
        return e;
    }

    private static Map<String, Object> cron(String name, String expression, List<String> functions) {
        return Map.of("name", name, "kind", "cron", "functions", functions, "lead", "5m",
                "spec", Map.of("expression", expression, "zone", "Europe/Berlin"));
    }

    @Test
    void aCronSignalIsCreatedListedReadAndDeleted() {
        HttpResponse<String> created = post("/v1/signals", cron("nightly", "0 3 * * MON-FRI", List.of("etl")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("Location")).hasValue("/v1/signals/nightly");
        JsonNode s = TestServer.json(created);
        assertThat(s.get("kind").asText()).isEqualTo("cron");
        assertThat(s.get("lead").asText()).isEqualTo("5m");
        assertThat(s.get("functions").toString()).isEqualTo("[\"etl\"]");
        assertThat(s.get("spec").get("zone").asText()).isEqualTo("Europe/Berlin");
        Instant next = Instant.parse(s.get("next").asText());
        assertThat(next).isAfter(Instant.now()).isBefore(Instant.now().plusSeconds(4 * 86_400));

        assertThat(TestServer.json(t.get("/v1/signals")).get("signals").findValuesAsText("name")).contains("nightly");
        assertThat(TestServer.json(t.get("/v1/signals/nightly")).get("next").asText()).isEqualTo(next.toString());
        assertError(post("/v1/signals", cron("nightly", "0 4 * * *", List.of("etl"))), 409, "conflict",
                "signal 'nightly' exists");

        // the forecast says what the signal means, and whether the policy listens
        JsonNode forecast = TestServer.json(t.get("/v1/functions/etl/forecast"));
        JsonNode reason = forecast.get("signals").get(0);
        assertThat(reason.get("signal").asText()).isEqualTo("nightly");
        assertThat(reason.get("used").asBoolean()).isTrue();
        assertThat(reason.get("reason").asText()).contains("expects a run at " + next)
                .contains("warm from " + next.minusSeconds(300));
        assertThat(TestServer.json(t.get("/v1/functions/etl/model")).get("signals").get(0).get("at").asText())
                .isEqualTo(next.toString());
        JsonNode training = TestServer.json(t.get("/v1/functions/etl/model")).get("training");
        assertThat(training.get("reason").asText()).isIn("none", "periodic"); // periodic once the first tick ran
        assertThat(training.get("drift").asInt()).isZero();
        assertThat(t.get("/metrics").body()).contains("forewarm_model_refits_total{function=\"etl\",reason=\"drift\"} 0.0");

        assertThat(t.delete("/v1/signals/nightly").statusCode()).isEqualTo(204);
        assertError(t.get("/v1/signals/nightly"), 404, "not_found", "unknown signal 'nightly'");
        assertError(t.delete("/v1/signals/nightly"), 404, "not_found", "unknown signal 'nightly'");
        assertThat(TestServer.json(t.get("/v1/functions/etl/forecast")).get("signals")).isEmpty();
    }

    @Test
    void aPolicyThatIgnoresSignalsIsNamedInTheReason() {
        assertThat(post("/v1/signals", Map.of("name", "launch", "kind", "once", "functions", List.of("plain"),
                "spec", Map.of("at", "2099-01-01T09:00:00Z"))).statusCode()).isEqualTo(201);
        JsonNode reason = TestServer.json(t.get("/v1/functions/plain/forecast")).get("signals").get(0);
        assertThat(reason.get("used").asBoolean()).isFalse();
        assertThat(reason.get("at").asText()).isEqualTo("2099-01-01T09:00:00Z");
        assertThat(reason.get("reason").asText()).contains("policy 'fixed:10' does not use signals");
        assertError(post("/v1/signals/launch/events", Map.of("at", "2099-01-02T00:00:00Z")), 409, "conflict",
                "is a once signal; only feed and activity signals take events");
        t.delete("/v1/signals/launch");
    }

    @Test
    void aFeedLearnsItsPeriodFromObservedArrivals() {
        HttpResponse<String> created = post("/v1/signals", Map.of("name", "prices", "kind", "feed",
                "functions", List.of("etl"), "spec", Map.of("arrivals", List.of("2026-01-01T00:00:00Z"))));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode s = TestServer.json(created);
        assertThat(s.get("next").isNull()).as("one arrival: no period yet").isTrue();
        assertThat(s.get("spec").get("inferredPeriod").isNull()).isTrue();

        HttpResponse<String> more = post("/v1/signals/prices/events", Map.of("at",
                List.of("2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z")));
        assertThat(more.statusCode()).as(more.body()).isEqualTo(200);
        JsonNode after = TestServer.json(more);
        assertThat(after.get("spec").get("inferredPeriod").asText()).isEqualTo("1h");
        assertThat(after.get("spec").get("arrivals")).hasSize(3);
        Instant next = Instant.parse(after.get("next").asText());
        assertThat(next).isAfter(Instant.now()).isBefore(Instant.now().plusSeconds(3601));
        assertThat(next.getEpochSecond() % 3600).as("on the feed's hourly grid").isZero();

        assertError(post("/v1/signals/prices/events", Map.of("at", "2026-01-01T01:30:00Z")), 400, "bad_request",
                "before the last observed one");
        assertError(post("/v1/signals/prices/events", Map.of("at", List.of("2026-01-01T05:00:00Z",
                "2026-01-01T04:00:00Z"))), 400, "bad_request", "at[1] 2026-01-01T04:00:00Z is before at[0]");
        assertError(post("/v1/signals/prices/events", Map.of("levels", List.of(1))), 400, "bad_request",
                "unknown field 'levels'");
        assertError(post("/v1/signals/ghost/events", Map.of("at", "2026-01-01T05:00:00Z")), 404, "not_found",
                "unknown signal 'ghost'");
        t.delete("/v1/signals/prices");
    }

    @Test
    void anActivitySeriesGrowsByAppendedLevels() {
        HttpResponse<String> created = post("/v1/signals", Map.of("name", "users", "kind", "activity",
                "functions", List.of("etl", "plain"), "spec", Map.of("start", "2026-01-01T00:00:00Z", "step", "1h",
                        "levels", List.of(1, 3))));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(TestServer.json(created).get("factorNow").asDouble()).as("now is outside the series").isEqualTo(1);
        JsonNode after = TestServer.json(post("/v1/signals/users/events", Map.of("levels", List.of(2, 2))));
        assertThat(after.get("spec").get("levels").toString()).isEqualTo("[1.0,3.0,2.0,2.0]");
        assertError(post("/v1/signals/users/events", Map.of("levels", List.of(1, -1))), 400, "bad_request",
                "levels[1] must be a number >= 0 but is -1");
        JsonNode reason = TestServer.json(t.get("/v1/functions/etl/forecast")).get("signals").get(0);
        assertThat(reason.get("factor").asDouble()).isEqualTo(1);
        assertThat(reason.get("reason").asText()).contains("user activity is at 100% of its mean now");
        t.delete("/v1/signals/users");
    }

    @Test
    void badSignalsAreRefusedNamingWhatIsWrong() {
        assertError(post("/v1/signals", cron("bad", "0 25 * * *", List.of("etl"))), 400, "bad_request",
                "spec.expression: cron '0 25 * * *': hour field '25': 25 is outside 0-23");
        assertError(post("/v1/signals", cron("bad", "0 1 * * *", List.of("missing"))), 400, "bad_request",
                "signal 'bad': function 'missing' is not deployed");
        assertError(post("/v1/signals", Map.of("name", "bad", "kind", "weekly", "functions", List.of("etl"),
                "spec", Map.of())), 400, "bad_request", "kind 'weekly' is not one of [activity, cron, feed, once]");
        assertError(post("/v1/signals", Map.of("name", "bad", "kind", "cron", "functions", List.of("etl"),
                "spec", Map.of("expression", "* * * * *", "when", "now"))), 400, "bad_request",
                "unknown field 'spec.when'");
        assertError(post("/v1/signals", Map.of("name", "bad", "kind", "cron", "functions", List.of("etl"),
                "lead", "soon", "spec", Map.of("expression", "* * * * *"))), 400, "bad_request", "lead: expected a duration");
        assertError(post("/v1/signals", Map.of("name", "bad", "kind", "cron", "functions", List.of("etl"),
                "spec", Map.of("expression", "* * * * *", "zone", "Mars/Olympus"))), 400, "bad_request",
                "spec.zone 'Mars/Olympus' is not a time zone");
        assertError(post("/v1/signals", Map.of("name", "bad", "kind", "once", "functions", List.of("etl"),
                "spec", Map.of("at", List.of("tomorrow")))), 400, "bad_request", "spec.at[0] 'tomorrow' is not an"
                + " ISO-8601 instant");
        assertError(post("/v1/signals", Map.of("name", "no/slash", "kind", "once", "functions", List.of("etl"),
                "spec", Map.of("at", "2099-01-01T00:00:00Z"))), 400, "bad_request", "name 'no/slash' must be");
        assertError(post("/v1/signals", Map.of("name", "bad", "kind", "once", "functions", List.of(),
                "spec", Map.of("at", "2099-01-01T00:00:00Z"))), 400, "bad_request", "functions must be a non-empty");
        assertError(t.post("/v1/signals", "{\"name\": ".getBytes(StandardCharsets.UTF_8)), 400, "bad_request",
                "malformed JSON");
        assertThat(TestServer.json(t.get("/v1/signals")).get("signals").findValuesAsText("name")).doesNotContain("bad");
    }

    @Test
    void signalsAreKeptAcrossARestartInTheSignalsFile(@TempDir Path dir) throws Exception {
        Map<String, String> files = Map.of("history.functions-file", dir.resolve("functions.json").toString(),
                "history.signals-file", dir.resolve("signals.json").toString());
        JsonNode before;
        try (TestServer first = new TestServer(files)) {
            ObjectNode spec = TestServer.commandSpec("etl", "5s", "/bin/true");
            assertThat(first.put("/v1/functions/etl", spec).statusCode()).isEqualTo(201);
            assertThat(first.post("/v1/signals", TestServer.write(cron("nightly", "0 3 * * *", List.of("etl")))
                    .getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(201);
            assertThat(first.post("/v1/signals", TestServer.write(Map.of("name", "prices", "kind", "feed",
                    "functions", List.of("etl"), "spec", Map.of("arrivals", List.of("2026-01-01T00:00:00Z"))))
                    .getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(201);
            assertThat(first.post("/v1/signals/prices/events", "{\"at\": \"2026-01-01T01:00:00Z\"}"
                    .getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(200);
            assertThat(first.delete("/v1/signals/nightly").statusCode()).isEqualTo(204);
            assertThat(first.post("/v1/signals", TestServer.write(cron("nightly", "0 4 * * *", List.of("etl")))
                    .getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(201);
            before = TestServer.json(first.get("/v1/signals"));
        }
        try (TestServer second = new TestServer(files)) {
            JsonNode after = TestServer.json(second.get("/v1/signals"));
            assertThat(after.get("signals")).hasSize(2);
            assertThat(after.findValuesAsText("expression")).containsExactly("0 4 * * *");
            assertThat(after.get("signals").get(1).get("spec")).isEqualTo(before.get("signals").get(1).get("spec"));
            assertThat(after.get("signals").get(1).get("spec").get("inferredPeriod").asText()).isEqualTo("1h");
        }
        Files.writeString(dir.resolve("signals.json"), "{\"signals\": [{\"name\": \"broken\", \"kind\": \"cron\","
                + " \"functions\": [\"etl\"], \"spec\": {\"expression\": \"0 0 0 * *\"}}]}");
        assertThatThrownBy(() -> new TestServer(files).close())
                .hasMessageContaining("history.signals-file " + dir.resolve("signals.json"))
                .hasMessageContaining("signal 'broken' cannot be registered again")
                .hasMessageContaining("day-of-month field '0'");
    }
}
