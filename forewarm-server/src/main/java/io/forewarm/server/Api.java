package io.forewarm.server;

import io.forewarm.engine.Orchestrator;
import io.forewarm.history.HistoryStore;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static io.forewarm.server.Http.json;

/**
 * The HTTP API (a stable contract, documented in docs/openapi.yaml): the bearer-token filter, health checks, the
 * bundled OpenAPI document and dashboard, and one route group per concern ({@link FunctionRoutes},
 * {@link ModelRoutes}, {@link SignalRoutes}, {@link MonitorRoutes}). Every failure leaves as the one error shape
 * {@code {"error": {"kind", "message", "details"}}}; 500 is kept for bugs.
 */
final class Api {

    private static final Logger LOG = LoggerFactory.getLogger(Api.class);

    private final byte[] token;
    private final BooleanSupplier ready;
    private final FunctionRoutes functionRoutes;
    private final ModelRoutes modelRoutes;
    private final SignalRoutes signalRoutes;
    private final MonitorRoutes monitorRoutes;

    Api(Orchestrator engine, HistoryStore history, Functions functions, SignalStore signals, AsyncInvocations async,
        Metrics metrics, long maxPayload, String token, BooleanSupplier ready) {
        Bodies bodies = new Bodies(maxPayload);
        this.token = token == null || token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8);
        this.ready = ready;
        this.functionRoutes = new FunctionRoutes(engine, functions, async, metrics, bodies);
        this.modelRoutes = new ModelRoutes(engine, history, functions, bodies);
        this.signalRoutes = new SignalRoutes(engine.signals(), signals, functions, bodies);
        this.monitorRoutes = new MonitorRoutes(engine, history, functions, metrics);
    }

    /** Adds every route, the auth filter and the error handlers to {@code r}. */
    void routes(HttpRouting.Builder r) {
        r.addFilter((chain, req, res) -> {
            if (token == null || isPublic(req.path().path()) || authorized(req)) {
                chain.proceed();
            } else {
                res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"forewarm\"");
                Http.send(res, new ApiError(401, "unauthorized", "this endpoint needs an 'Authorization: Bearer"
                        + " <token>' header with the server's token", Map.of(), 0));
            }
        });
        r.get("/health/live", (req, res) -> json(res, 200, Map.of("status", "UP")))
                .get("/health/ready", (req, res) -> json(res, ready.getAsBoolean() ? 200 : 503,
                        Map.of("status", ready.getAsBoolean() ? "UP" : "DOWN")))
                .get("/openapi", (req, res) -> resource(res, "openapi.yaml", "application/yaml"))
                .get("/dashboard", (req, res) -> resource(res, "dashboard.html", "text/html; charset=utf-8"))
                .get("/", (req, res) -> res.status(302).header(HeaderNames.LOCATION, "/dashboard").send())
                .register(functionRoutes, modelRoutes, signalRoutes, monitorRoutes)
                .any((req, res) -> {
                    throw new ApiError(404, "not_found", "no route for " + req.prologue().method().text() + " "
                            + req.path().path(), Map.of(), 0);
                });
        r.error(ApiError.class, (req, res, e) -> Http.send(res, e));
        r.error(Exception.class, (req, res, e) -> {
            LOG.error("bug serving {} {}", req.prologue().method().text(), req.path().path(), e);
            Http.send(res, new ApiError(500, "internal", "internal error: " + e, Map.of(), 0));
        });
    }

    private boolean authorized(ServerRequest req) {
        String h = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        if (!h.startsWith("Bearer ")) {
            return false;
        }
        // constant time: the comparison must not tell how much of a guess was right
        return MessageDigest.isEqual(token, h.substring(7).strip().getBytes(StandardCharsets.UTF_8));
    }

    /** Sends one of the server's bundled files. */
    private static void resource(ServerResponse res, String name, String contentType) throws IOException {
        try (InputStream in = Api.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the server's resources");
            }
            res.header(HeaderNames.CONTENT_TYPE, contentType).send(in.readAllBytes());
        }
    }

    /**
     * Paths served without the token: health checks for probes, and the dashboard page, which holds no data
     * (its API calls carry the token).
     */
    static boolean isPublic(String path) {
        return path.startsWith("/health/") || path.equals("/dashboard") || path.equals("/");
    }
}
