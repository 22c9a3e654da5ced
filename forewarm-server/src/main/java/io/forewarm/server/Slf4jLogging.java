package io.forewarm.server;

import io.helidon.logging.common.spi.LoggingProvider;

/**
 * Tells Helidon that logging is configured already: Helidon logs through {@link System.Logger}, which the
 * application routes to SLF4J (the CLI binds it to logback, all on stderr). Without a provider Helidon prints
 * "There is no Helidon logging implementation on classpath" at every start; Helidon's own SLF4J provider
 * (helidon-logging-slf4j) is not published for the Helidon version used, so this one stands in for it.
 */
public final class Slf4jLogging implements LoggingProvider {

    /** Nothing to set up: SLF4J's binding is chosen by the application's classpath. */
    @Override
    public void initialization() {
        // logging is configured by the SLF4J binding the application ships (logback.xml in the CLI)
    }

    /** Nothing to set up at run time either. */
    @Override
    public void runTime() {
        // as above
    }
}
