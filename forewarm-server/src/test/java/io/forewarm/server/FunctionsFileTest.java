package io.forewarm.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Deployed functions outlive a restart through history.functions-file; a bad file stops the start. */
class FunctionsFileTest {

    @Test
    void aRestartedServerDeploysTheSameFunctionsAgain(@TempDir Path dir) {
        Map<String, String> flags = Map.of("history.functions-file", dir.resolve("functions.json").toString());
        try (TestServer t = new TestServer(flags)) {
            assertThat(t.put("/v1/functions/kept", TestServer.echoSpec("kept").put("policy", "fixed:7"))
                    .statusCode()).isEqualTo(201);
            assertThat(t.put("/v1/functions/kept", TestServer.echoSpec("kept").put("maxConcurrency", 2))
                    .statusCode()).isEqualTo(200);
            assertThat(t.put("/v1/functions/kept/model", Map.of("keepAlive", Map.of("minMs", 60_000)))
                    .statusCode()).isEqualTo(200);
            t.put("/v1/functions/gone", TestServer.echoSpec("gone"));
            t.delete("/v1/functions/gone");
        }
        try (TestServer t = new TestServer(flags)) {
            JsonNode kept = TestServer.json(t.get("/v1/functions/kept"));
            assertThat(kept.get("version").asLong()).isEqualTo(3);
            assertThat(TestServer.json(t.get("/v1/functions/kept/model")).at("/keepAlive/minMs").asLong())
                    .isEqualTo(60_000);
            assertThat(kept.get("policy").asText()).isEqualTo("fixed:7");
            assertThat(kept.get("maxConcurrency").asInt()).isEqualTo(2);
            assertThat(t.get("/v1/functions/gone").statusCode()).isEqualTo(404);
            assertThat(t.post("/v1/functions/kept/invocations", "again".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .body()).isEqualTo("again");
        }
    }

    @Test
    void anUnreadableFileFailsTheStartNamingIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("functions.json");
        Files.writeString(file, "{\"functions\": [{\"spec\": {\"name\": \"bad\", \"argv\": []}}]}");
        assertThatThrownBy(() -> new TestServer(Map.of("history.functions-file", file.toString())))
                .hasMessageContaining(file.toString()).hasMessageContaining("function 'bad'")
                .hasMessageContaining("argv");
        Files.writeString(file, "{ not json");
        assertThatThrownBy(() -> new TestServer(Map.of("history.functions-file", file.toString())))
                .hasMessageContaining(file.toString()).hasMessageContaining("not readable JSON");
    }
}
