package io.forewarm.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.forewarm.core.FunctionSpec;
import io.forewarm.core.ResourceVector;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The JSON form of a function spec: round trips, friendly units, and errors that name the field. */
class SpecCodecTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyFieldRoundTrips() {
        FunctionSpec spec = FunctionSpec.builder("full", FunctionSpec.Kind.WORKER, List.of("/usr/bin/python3", "f.py"))
                .env(Map.of("MODE", "fast")).workingDirectory(Path.of("/srv/fn"))
                .limits(new ResourceVector(1.5, 256L << 20, 64L << 20, 10L << 20, 1000))
                .pidsLimit(64).timeout(Duration.ofMillis(1500)).initTimeout(Duration.ofMinutes(2)).maxConcurrency(3)
                .warmupFiles(Map.of("model.bin", Path.of("/data/model.bin"))).initPayload(new byte[] {0, 1, -1})
                .minLimits(new ResourceVector(0.25, 64L << 20, 64L << 20, 10L << 20, 1000))
                .maxLimits(new ResourceVector(4, 1L << 30, 64L << 20, 10L << 20, 1000))
                .pipelineDepth(4)
                .build();
        ObjectNode json = SpecCodec.write(spec);
        assertThat(json.get("timeout").asText()).isEqualTo("1500ms");
        assertThat(json.at("/limits/memory").asText()).isEqualTo("256MB");
        assertThat(json.at("/maxLimits/memory").asText()).isEqualTo("1GB");
        assertThat(SpecCodec.read(json, "full").spec()).isEqualTo(spec);
        // A spec whose bounds are its limits writes none, and reads back the same.
        FunctionSpec fixed = FunctionSpec.builder("fixed", FunctionSpec.Kind.COMMAND, List.of("cat"))
                .limits(ResourceVector.of(1, 64L << 20)).build();
        assertThat(SpecCodec.write(fixed).has("minLimits")).isFalse();
        assertThat(SpecCodec.read(SpecCodec.write(fixed), "fixed").spec()).isEqualTo(fixed);
    }

    @Test
    void sizesMayBeBytesOrUnitsAndTheInitPayloadText() throws Exception {
        SpecCodec.Deployment d = SpecCodec.read(JSON.readTree("""
                {"argv": ["cat"], "kind": "command", "limits": {"cpu": 1, "memory": 1048576, "disk": "1GB"},
                 "initText": "seed", "policy": "fixed:5", "version": 3}"""), "cat");
        assertThat(d.spec().name()).isEqualTo("cat");
        assertThat(d.spec().limits().memoryBytes()).isEqualTo(1L << 20);
        assertThat(d.spec().limits().diskBytes()).isEqualTo(1L << 30);
        assertThat(d.spec().initPayload()).isEqualTo("seed".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(d.policy()).isEqualTo("fixed:5");
        assertThat(d.expectedVersion()).isEqualTo(3L);
        assertThat(d.spec().kind()).isEqualTo(FunctionSpec.Kind.COMMAND);
    }

    @Test
    void errorsNameTheField() {
        assertRefused("{\"argv\": \"cat\"}", "argv must be an array");
        assertRefused("{\"argv\": [\"cat\", 2]}", "argv[1] must be a string");
        assertRefused("{\"argv\": [\"cat\"], \"limits\": {\"memory\": \"lots\"}}", "limits.memory");
        assertRefused("{\"argv\": [\"cat\"], \"limits\": {\"gpu\": 1}}", "limits: unknown field 'gpu'");
        assertRefused("{\"argv\": [\"cat\"], \"maxLimits\": {\"memory\": \"lots\"}}", "maxLimits.memory");
        assertRefused("{\"argv\": [\"cat\"], \"limits\": {\"memory\": \"64MB\"}, \"minLimits\": {\"memory\": \"1GB\"}}",
                "minLimits.memory must be <= limits.memory");
        assertRefused("{\"argv\": [\"cat\"], \"maxConcurrency\": 0}", "maxConcurrency must be >= 1");
        assertRefused("{\"argv\": [\"cat\"], \"pipelineDepth\": 65}", "pipelineDepth must be between 1 and 64");
        assertRefused("{\"argv\": [\"cat\"], \"kind\": \"command\", \"pipelineDepth\": 2}",
                "pipelineDepth applies to worker functions only");
        assertRefused("{\"argv\": [\"cat\"], \"kind\": \"daemon\"}", "kind: expected 'worker' or 'command'");
        assertRefused("{\"argv\": [\"cat\"], \"initPayload\": \"%%%\"}", "initPayload must be base64");
        assertRefused("{\"argv\": [\"cat\"], \"env\": {\"A\": 1}}", "env.A must be a string");
        assertRefused("{\"name\": \"x\", \"argv\": [\"cat\"]}", "the path says 'y'");
    }

    private static void assertRefused(String json, String message) {
        assertThatThrownBy(() -> SpecCodec.read(JSON.readTree(json), "y")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
