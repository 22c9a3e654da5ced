package io.forewarm.server;

import io.forewarm.engine.EngineStatus;
import io.forewarm.engine.Orchestrator;
import io.forewarm.history.DuckDbHistoryStore;
import io.forewarm.history.HistoryStore;
import io.forewarm.history.PostgresHistoryStore;
import io.forewarm.sandbox.SandboxFactories;
import io.forewarm.sandbox.SandboxFactory;
import io.helidon.webserver.WebServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Base64;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The Forewarm service: the history store, the sandbox backend and the engine behind the HTTP API, served by
 * Helidon SE (one virtual thread per request). Binds to loopback by default; bound anywhere else it requires
 * a bearer token, generated here when none is configured.
 */
public final class ForewarmServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ForewarmServer.class);

    private final ServerConfig config;
    private final String token;
    private final boolean tokenGenerated;
    private final HistoryStore history;
    private final Orchestrator engine;
    private final AsyncInvocations async;
    private final Metrics metrics;
    private final ScheduledExecutorService sampler;
    private final WebServer web;
    private volatile boolean ready;

    private ForewarmServer(ServerConfig config, SandboxFactory factory) {
        this.config = config;
        boolean generate = config.token().isEmpty() && !config.loopback();
        this.token = generate ? newToken() : config.token();
        this.tokenGenerated = generate;
        try {
            this.history = openHistory(config);
        } catch (RuntimeException e) {
            factory.close();
            throw e;
        }
        try {
            this.engine = new Orchestrator(factory, history, config.engineConfig(), InstantSource.system()).start();
        } catch (RuntimeException e) {
            history.close();
            throw e;
        }
        this.async = new AsyncInvocations(config.asyncResults());
        this.metrics = new Metrics(engine::status);
        this.sampler = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                .name("forewarm-idle-sampler").unstarted(r));
        sampler.scheduleAtFixedRate(this::sampleIdle, 1, 1, TimeUnit.SECONDS);
        Functions functions = new Functions(engine, config.defaultPolicy(), config.functionsFile());
        SignalStore signals = new SignalStore(engine.signals(), config.signalsFile());
        try {
            functions.restore();
            signals.restore();
        } catch (RuntimeException e) {
            async.close();
            closeEngine();
            throw e;
        }
        Api api = new Api(engine, history, functions, signals, async, metrics, config.maxPayloadBytes(), token,
                () -> ready);
        try {
            this.web = WebServer.builder().host(config.host()).port(config.port()).routing(api::routes).build()
                    .start();
        } catch (RuntimeException e) {
            async.close();
            closeEngine();
            throw new IllegalStateException("cannot listen on " + config.host() + ":" + config.port() + ": "
                    + e.getMessage(), e);
        }
        ready = true;
        LOG.info("forewarm serving on {} (isolation: {})", uri(), engine.status().isolationBackend());
    }

    /** Starts a server as {@code config} says; fails naming what is wrong (port taken, history locked, ...). */
    public static ForewarmServer start(ServerConfig config) {
        return start(config, SandboxFactories.detect(config.sandboxConfig()));
    }

    /**
     * Starts a server on {@code factory}'s sandboxes instead of the backend detected from the configuration
     * (for embedding with a backend of one's own, and for benchmarks that take the worker process out).
     */
    public static ForewarmServer start(ServerConfig config, SandboxFactory factory) {
        return new ForewarmServer(config, factory);
    }

    /** The port it listens on. */
    public int port() {
        return web.port();
    }

    /** The base URI of the API. */
    public URI uri() {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        if (host.equals("0.0.0.0") || host.equals("[::]")) {
            host = "127.0.0.1";
        }
        return URI.create("http://" + host + ":" + port());
    }

    /** The bearer token clients must send ("" : none). */
    public String token() {
        return token;
    }

    /** Whether the token was generated at start (and so must be shown to the operator once). */
    public boolean tokenGenerated() {
        return tokenGenerated;
    }

    /** The engine behind the API. */
    public Orchestrator engine() {
        return engine;
    }

    /** The configuration it runs with. */
    public ServerConfig config() {
        return config;
    }

    private void sampleIdle() {
        try {
            EngineStatus s = engine.status();
            metrics.sampleIdle(s, 1.0);
        } catch (RuntimeException e) {
            LOG.warn("sampling idle pools failed: {}", e.toString());
        }
    }

    /** Stops listening, waits for asynchronous invocations, drains the engine and closes history. */
    @Override
    public void close() {
        ready = false;
        web.stop();
        async.close();
        closeEngine();
    }

    private void closeEngine() {
        sampler.shutdownNow();
        try {
            engine.close();
        } finally {
            history.close();
        }
    }

    /** The PostgreSQL store when {@code history.url} is set, else the DuckDB file (or memory). */
    private static HistoryStore openHistory(ServerConfig config) {
        if (config.historyDatabase() != null) {
            return PostgresHistoryStore.open(config.historyDatabase(), config.historyOptions());
        }
        if (config.historyFile() != null && config.historyFile().toAbsolutePath().getParent() != null) {
            try {
                Files.createDirectories(config.historyFile().toAbsolutePath().getParent());
            } catch (IOException e) {
                throw new UncheckedIOException("history.file: cannot create the directory of '"
                        + config.historyFile() + "': " + e.getMessage(), e);
            }
        }
        return DuckDbHistoryStore.open(config.historyOptions());
    }

    private static String newToken() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
