package io.forewarm.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.forewarm.engine.InvokeResult;
import io.forewarm.engine.Orchestrator;
import io.forewarm.engine.Rejection;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.forewarm.server.Http.MAPPER;
import static io.forewarm.server.Http.json;
import static io.forewarm.server.Http.name;

/** Functions (deploy, get, list, delete) and their invocations, synchronous or polled. */
record FunctionRoutes(Orchestrator engine, Functions functions, AsyncInvocations async, Metrics metrics,
        Bodies bodies) implements HttpService {

    /** Response headers of an invocation. */
    static final HeaderName START = HeaderNames.create("X-Forewarm-Start");
    static final HeaderName EXIT = HeaderNames.create("X-Forewarm-Exit");
    static final HeaderName QUEUE_MS = HeaderNames.create("X-Forewarm-Queue-Ms");
    static final HeaderName INIT_MS = HeaderNames.create("X-Forewarm-Init-Ms");
    static final HeaderName RUN_MS = HeaderNames.create("X-Forewarm-Run-Ms");

    @Override
    public void routing(HttpRules r) {
        r.get("/v1/functions", (req, res) -> json(res, 200, Map.of("functions",
                        functions.list().stream().map(FunctionRoutes::describe).toList())))
                .put("/v1/functions/{name}", this::putFunction)
                .get("/v1/functions/{name}", (req, res) -> json(res, 200, describe(functions.require(name(req)))))
                .delete("/v1/functions/{name}", this::deleteFunction)
                .post("/v1/functions/{name}/invocations", this::invoke)
                .get("/v1/invocations/{id}", this::poll);
    }

    private void putFunction(ServerRequest req, ServerResponse res) {
        SpecCodec.Deployment d;
        try {
            d = SpecCodec.read(bodies.object(req), name(req));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("function spec: " + e.getMessage());
        }
        Functions.Put put = functions.put(d.spec(), d.policy(), null, d.expectedVersion());
        json(res, put.outcome() == Functions.Outcome.CREATED ? 201 : 200, describe(put.deployed())
                .put("outcome", put.outcome().name().toLowerCase(Locale.ROOT)));
    }

    private void deleteFunction(ServerRequest req, ServerResponse res) {
        functions.remove(name(req));
        res.status(204).send();
    }

    private static ObjectNode describe(Functions.Deployed d) {
        ObjectNode o = SpecCodec.write(d.spec());
        o.put("policy", d.policy());
        o.put("version", d.version());
        o.put("updated", d.updated().toString());
        return o;
    }

    private void invoke(ServerRequest req, ServerResponse res) {
        String name = name(req);
        functions.require(name);
        byte[] payload = bodies.bytes(req);
        if (req.query().first("async").orElse("false").equals("true")) {
            AsyncInvocations.Entry e = async.submit(name, () -> run(name, payload));
            res.header(HeaderNames.LOCATION, "/v1/invocations/" + e.id());
            json(res, 202, pollBody(e));
            return;
        }
        InvokeResult r = run(name, payload);
        res.header(START, r.cold() ? "cold" : "warm").header(EXIT, r.exit().label())
                .header(QUEUE_MS, Long.toString(r.queueMillis())).header(INIT_MS, Long.toString(r.initMillis()))
                .header(RUN_MS, Long.toString(r.runMillis()));
        if (r.ok()) {
            res.header(HeaderNames.CONTENT_TYPE, "application/octet-stream").send(r.output());
        } else {
            Http.send(res, failure(r));
        }
    }

    private InvokeResult run(String name, byte[] payload) {
        long t0 = System.nanoTime();
        InvokeResult r;
        try {
            r = engine.invoke(name, payload);
        } catch (IllegalArgumentException e) {
            throw ApiError.notFound("function", name); // removed between the check and the call
        }
        metrics.record(r, (System.nanoTime() - t0) / 1e9);
        return r;
    }

    /** The error an invocation that did not return a result maps to. */
    private static ApiError failure(InvokeResult r) {
        Map<String, Object> details = Map.of("function", r.function(), "exit", r.exit().label());
        String msg = "function '" + r.function() + "': " + (r.message().isEmpty() ? r.exit().label() : r.message());
        return switch (r.exit()) {
            // a full queue is the caller's cue to slow down (429); a passed deadline is the server overloaded (503)
            case CAPACITY -> new ApiError(r.rejection() == Rejection.QUEUE_FULL ? 429 : 503, "capacity", msg,
                    Map.of("function", r.function(), "exit", r.exit().label(), "rejection",
                            r.rejection().name().toLowerCase(Locale.ROOT)), 1);
            case TIMEOUT -> new ApiError(504, "timeout", msg, details, 0);
            default -> new ApiError(502, r.exit().label(), msg, details, 0);
        };
    }

    private void poll(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        AsyncInvocations.Entry e = async.get(id);
        if (e == null) {
            throw ApiError.notFound("invocation", id);
        }
        json(res, 200, pollBody(e));
    }

    private static ObjectNode pollBody(AsyncInvocations.Entry e) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("id", e.id());
        o.put("function", e.function());
        CompletableFuture<InvokeResult> f = e.result();
        if (!f.isDone()) {
            o.put("status", "running");
            return o;
        }
        o.put("status", "done");
        InvokeResult r;
        try {
            r = f.join();
        } catch (RuntimeException ex) {
            ApiError err = ex.getCause() instanceof ApiError a ? a
                    : new ApiError(500, "internal", "internal error: " + ex.getCause(), Map.of(), 0);
            o.set("error", Http.errorBody(err).get("error"));
            return o;
        }
        o.put("exit", r.exit().label());
        o.put("start", r.cold() ? "cold" : "warm");
        o.put("queueMs", r.queueMillis());
        o.put("initMs", r.initMillis());
        o.put("runMs", r.runMillis());
        String text = utf8(r.output());
        if (text != null) {
            o.put("output", text);
        }
        o.put("outputBase64", Base64.getEncoder().encodeToString(r.output()));
        if (!r.ok()) {
            o.set("error", Http.errorBody(failure(r)).get("error"));
        }
        return o;
    }

    /** {@code b} as text if it is valid UTF-8, else null. */
    private static String utf8(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
