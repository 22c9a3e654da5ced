package io.forewarm.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.forewarm.core.FunctionSpec.Kind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FunctionSpecTest {

    private static FunctionSpec.Builder echo() {
        return FunctionSpec.builder("echo", Kind.WORKER, List.of("python3", "echo.py"));
    }

    @Test
    void buildsWithDefaultsAndKeepsImmutableCopies() {
        byte[] payload = {1, 2, 3};
        FunctionSpec spec = echo().initPayload(payload).env(Map.of("A", "1")).build();
        payload[0] = 9;
        assertThat(spec.initPayload()).containsExactly(1, 2, 3);
        spec.initPayload()[1] = 7;
        assertThat(spec.initPayload()).containsExactly(1, 2, 3);
        assertThat(spec.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(spec.maxConcurrency()).isEqualTo(8);
        assertThat(spec).isEqualTo(echo().initPayload(new byte[] {1, 2, 3}).env(Map.of("A", "1")).build());
        assertThat(spec.hashCode()).isEqualTo(echo().initPayload(new byte[] {1, 2, 3})
                .env(Map.of("A", "1")).build().hashCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Echo", "-echo", "a b", "a/b", "a234567890123456789012345678901234567890123456789012345678901234"})
    void rejectsBadNamesNamingTheValue(String name) {
        assertThatThrownBy(() -> FunctionSpec.builder(name, Kind.WORKER, List.of("x")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name")
                .hasMessageContaining("'" + name + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "0", "fn-1_x.y", "a23456789012345678901234567890123456789012345678901234567890123"})
    void acceptsGoodNames(String name) {
        assertThat(FunctionSpec.builder(name, Kind.COMMAND, List.of("cat")).build().name()).isEqualTo(name);
    }

    @Test
    void rejectsBadFieldsNamingFieldAndValue() {
        assertThatThrownBy(() -> FunctionSpec.builder("f", Kind.WORKER, List.of()).build())
                .hasMessageContaining("argv");
        assertThatThrownBy(() -> FunctionSpec.builder("f", Kind.WORKER, List.of("a", "b\0c")).build())
                .hasMessageContaining("argv[1]");
        assertThatThrownBy(() -> echo().env(Map.of("1X", "v")).build()).hasMessageContaining("env key")
                .hasMessageContaining("'1X'");
        assertThatThrownBy(() -> echo().workingDirectory(Path.of("rel")).build())
                .hasMessageContaining("workingDirectory").hasMessageContaining("'rel'");
        assertThatThrownBy(() -> echo().pidsLimit(-1).build()).hasMessageContaining("pidsLimit")
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> echo().timeout(Duration.ZERO).build()).hasMessageContaining("timeout")
                .hasMessageContaining("PT0S");
        assertThatThrownBy(() -> echo().initTimeout(Duration.ofSeconds(-1)).build())
                .hasMessageContaining("initTimeout");
        assertThatThrownBy(() -> echo().maxConcurrency(0).build()).hasMessageContaining("maxConcurrency");
        assertThatThrownBy(() -> echo().warmupFiles(Map.of("../x", Path.of("/etc/hosts"))).build())
                .hasMessageContaining("warmupFiles").hasMessageContaining("'../x'");
        assertThatThrownBy(() -> echo().warmupFiles(Map.of("/abs", Path.of("/etc/hosts"))).build())
                .hasMessageContaining("'/abs'");
        assertThatThrownBy(() -> echo().limits(null).build()).hasMessageContaining("limits");
    }

    @Test
    void sizingBoundsDefaultToTheLimitsAndMustEncloseThem() {
        ResourceVector limits = new ResourceVector(1, 256L << 20, 0, 0, 0);
        FunctionSpec fixed = echo().limits(limits).build();
        assertThat(fixed.minLimits()).isEqualTo(limits);
        assertThat(fixed.maxLimits()).isEqualTo(limits);
        assertThat(fixed.sizable()).isFalse();
        FunctionSpec sized = echo().limits(limits).minLimits(ResourceVector.of(0.25, 32L << 20))
                .maxLimits(ResourceVector.of(2, 1L << 30)).build();
        assertThat(sized.sizable()).isTrue();
        assertThat(sized).isNotEqualTo(fixed);
        assertThatThrownBy(() -> echo().limits(limits).minLimits(ResourceVector.of(2, 32L << 20)).build())
                .hasMessageContaining("minLimits.cpu must be <= limits.cpu (1) but was 2");
        assertThatThrownBy(() -> echo().limits(limits).maxLimits(ResourceVector.of(1, 128L << 20)).build())
                .hasMessageContaining("maxLimits.memory must be >= limits.memory (268435456) but was 134217728");
        assertThatThrownBy(() -> echo().limits(limits).maxLimits(new ResourceVector(1, 256L << 20, 5, 0, 0))
                .build()).hasMessageContaining("limits.disk is 0 (unlimited)");
    }

    @Test
    void parsesKindLabels() {
        assertThat(Kind.parse("worker")).isEqualTo(Kind.WORKER);
        assertThat(Kind.parse("command")).isEqualTo(Kind.COMMAND);
        assertThatThrownBy(() -> Kind.parse("daemon")).hasMessageContaining("'daemon'");
    }
}
