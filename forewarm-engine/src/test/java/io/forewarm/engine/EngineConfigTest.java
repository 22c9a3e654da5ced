package io.forewarm.engine;

import io.forewarm.core.ResourceVector;
import io.forewarm.predict.Policies;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EngineConfigTest {

    @Test
    void defaultsComeFromTheMachine() {
        EngineConfig c = EngineConfig.defaults();
        assertThat(c.capacity().cpuCores()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(c.capacity().memoryBytes()).isGreaterThan(Runtime.getRuntime().maxMemory() / 4);
        assertThat(c.tick()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.sampleInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.limitRule()).isEqualTo(LimitRule.DEFAULT);
    }

    @Test
    void theDefaultPolicyIsAuto() {
        assertThat(EngineConfig.defaults().defaultPolicy()).isEqualTo("auto");
        assertThat(Policies.create("auto")).isNotNull();
    }

    @Test
    void aSandboxWithoutMemoryLimitCountsForTheConfiguredDefault() {
        EngineConfig c = EngineConfig.defaults();
        assertThat(c.accounted(ResourceVector.of(0.5, 0))).isEqualTo(ResourceVector.of(0.5, 256L << 20));
        assertThat(c.accounted(new ResourceVector(1, 64, 999, 5, 5))).isEqualTo(ResourceVector.of(1, 64));
    }

    @Test
    void badValuesAreNamed() {
        EngineConfig c = EngineConfig.defaults();
        assertThatThrownBy(() -> c.withCapacity(ResourceVector.of(0, 1))).hasMessageContaining("capacity");
        assertThatThrownBy(() -> c.withQueue(-1, Duration.ofSeconds(1))).hasMessageContaining("queueCapacity")
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> c.withQueue(1, Duration.ZERO)).hasMessageContaining("queueDeadline");
        assertThatThrownBy(() -> c.withTiming(Duration.ofMillis(-5), Duration.ofMillis(100)))
                .hasMessageContaining("tick");
        assertThatThrownBy(() -> c.withDefaultPolicy(" ")).hasMessageContaining("defaultPolicy");
    }
}
