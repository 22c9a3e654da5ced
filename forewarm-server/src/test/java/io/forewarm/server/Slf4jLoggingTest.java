package io.forewarm.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.logging.common.spi.LoggingProvider;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class Slf4jLoggingTest {

    @Test
    void helidonFindsTheServersLoggingProviderSoItPrintsNoNoticeAtStart() {
        assertThat(ServiceLoader.load(LoggingProvider.class).stream().map(ServiceLoader.Provider::type))
                .containsExactly(Slf4jLogging.class);
    }
}
