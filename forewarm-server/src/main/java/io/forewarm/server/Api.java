package io.forewarm.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.forewarm.core.KeepAliveBounds;
import io.forewarm.core.ResourceVector;
import io.forewarm.core.Window;
import io.forewarm.engine.EngineStatus;
import io.forewarm.engine.Explanation;
import io.forewarm.engine.InvokeResult;
import io.forewarm.engine.Orchestrator;
import io.forewarm.engine.Rejection;
import io.forewarm.engine.Training;
import io.forewarm.history.HistoryStore;
import io.forewarm.history.TraceCsvExport;
import io.forewarm.predict.Policies;
import io.forewarm.predict.Signals;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * The HTTP API's routes (a stable contract, documented in docs/openapi.yaml): functions, invocations,
 * resources, models and forecasts, external signals, stats, history export, metrics, health. Every failure leaves as the one
 * error shape {@code {"error": {"kind", "message", "details"}}}; 500 is kept for bugs.
 */
final class Api {

    /** Response headers of an invocation. */
    static final HeaderName START = HeaderNames.create("X-Forewarm-Start");
    static final HeaderName EXIT = HeaderNames.create("X-Forewarm-Exit");
    static final HeaderName QUEUE_MS = HeaderNames.create("X-Forewarm-Queue-Ms");
    static final HeaderName INIT_MS = HeaderNames.create("X-Forewarm-Init-Ms");
    static final HeaderName RUN_MS = HeaderNames.create("X-Forewarm-Run-Ms");
    private static final String JSON = "application/json";
    private static final Logger LOG = LoggerFactory.getLogger(Api.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Orchestrator engine;
    private final HistoryStore history;
    private final Functions functions;
    private final SignalStore signals;
    private final AsyncInvocations async;
    private final Metrics metrics;
    private final long maxPayload;
    private final byte[] token;
    private final BooleanSupplier ready;

    Api(Orchestrator engine, HistoryStore history, Functions functions, SignalStore signals, AsyncInvocations async,
        Metrics metrics, long maxPayload, String token, BooleanSupplier ready) {
        this.engine = engine;
        this.history = history;
        this.functions = functions;
        this.signals = signals;
        this.async = async;
        this.metrics = metrics;
        this.maxPayload = maxPayload;
        this.token = token == null || token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8);
        this.ready = ready;
    }

    /** Adds every route, the auth filter and the error handlers to {@code r}. */
    void routes(HttpRouting.Builder r) {
        r.addFilter((chain, req, res) -> {
            if (token == null || isPublic(req.path().path()) || authorized(req)) {
                chain.proceed();
            } else {
                res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"forewarm\"");
                send(res, new ApiError(401, "unauthorized", "this endpoint needs an 'Authorization: Bearer"
                        + " <token>' header with the server's token", Map.of(), 0));
            }
        });
        r.get("/health/live", (req, res) -> json(res, 200, Map.of("status", "UP")))
                .get("/health/ready", (req, res) -> json(res, ready.getAsBoolean() ? 200 : 503,
                        Map.of("status", ready.getAsBoolean() ? "UP" : "DOWN")))
                .get("/metrics", this::metrics)
                .get("/openapi", (req, res) -> resource(res, "openapi.yaml", "application/yaml"))
                .get("/dashboard", (req, res) -> resource(res, "dashboard.html", "text/html; charset=utf-8"))
                .get("/", (req, res) -> res.status(302).header(HeaderNames.LOCATION, "/dashboard").send())
                .get("/v1/functions", (req, res) -> json(res, 200, Map.of("functions",
                        functions.list().stream().map(Api::describe).toList())))
                .put("/v1/functions/{name}", this::putFunction)
                .get("/v1/functions/{name}", (req, res) -> json(res, 200, describe(functions.require(name(req)))))
                .delete("/v1/functions/{name}", this::deleteFunction)
                .post("/v1/functions/{name}/invocations", this::invoke)
                .get("/v1/functions/{name}/model", (req, res) -> json(res, 200, model(functions.require(name(req)))))
                .put("/v1/functions/{name}/model", this::putModel)
                .get("/v1/functions/{name}/forecast", this::forecast)
                .get("/v1/invocations/{id}", this::poll)
                .get("/v1/resources", (req, res) -> json(res, 200, resources(engine.status())))
                .get("/v1/stats", this::stats)
                .get("/v1/history/export", this::export)
                .get("/v1/signals", (req, res) -> json(res, 200, Map.of("signals", engine.signals().all().stream()
                        .map(s -> SignalCodec.write(s, System.currentTimeMillis())).toList())))
                .post("/v1/signals", this::createSignal)
                .get("/v1/signals/{name}", (req, res) -> json(res, 200,
                        SignalCodec.write(signal(name(req)), System.currentTimeMillis())))
                .delete("/v1/signals/{name}", this::deleteSignal)
                .post("/v1/signals/{name}/events", this::signalEvents)
                .any((req, res) -> {
                    throw new ApiError(404, "not_found", "no route for " + req.prologue().method().text() + " "
                            + req.path().path(), Map.of(), 0);
                });
        r.error(ApiError.class, (req, res, e) -> send(res, e));
        r.error(Exception.class, (req, res, e) -> {
            LOG.error("bug serving {} {}", req.prologue().method().text(), req.path().path(), e);
            send(res, new ApiError(500, "internal", "internal error: " + e, Map.of(), 0));
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

    // ---- functions ----

    private void putFunction(ServerRequest req, ServerResponse res) {
        JsonNode body = readJson(req);
        SpecCodec.Deployment d;
        try {
            d = SpecCodec.read(body, name(req));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("function spec: " + e.getMessage());
        }
        Functions.Put put = functions.put(d.spec(), d.policy(), null, d.expectedVersion());
        json(res, put.outcome() == Functions.Outcome.CREATED ? 201 : 200, describe(put.deployed())
                .put("outcome", put.outcome().name().toLowerCase(java.util.Locale.ROOT)));
    }

    private void deleteFunction(ServerRequest req, ServerResponse res) {
        functions.remove(name(req));
        res.status(204).send();
    }

    static ObjectNode describe(Functions.Deployed d) {
        ObjectNode o = SpecCodec.write(d.spec());
        o.put("policy", d.policy());
        o.put("version", d.version());
        o.put("updated", d.updated().toString());
        return o;
    }

    // ---- invocations ----

    private void invoke(ServerRequest req, ServerResponse res) {
        String name = name(req);
        functions.require(name);
        byte[] payload = readBody(req);
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
            send(res, failure(r));
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
    static ApiError failure(InvokeResult r) {
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
            o.set("error", errorBody(err).get("error"));
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
            o.set("error", errorBody(failure(r)).get("error"));
        }
        return o;
    }

    private static String utf8(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    // ---- models and forecasts ----

    private ObjectNode model(Functions.Deployed d) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("function", d.spec().name());
        o.put("policy", d.policy());
        o.put("predictor", d.policy().split(":", 2)[0]);
        ObjectNode params = o.putObject("parameters");
        if (d.policy().contains(":")) {
            for (String kv : d.policy().split(":", 2)[1].split(",")) {
                String[] p = kv.split("=", 2);
                params.put(p.length == 2 ? p[0].strip() : "value", p[p.length - 1].strip());
            }
        }
        o.set("keepAlive", keepAliveJson(d.bounds()));
        // the window in force: what the policy chose at the function's last arrival, within those bounds
        EngineStatus.FunctionStatus f = engine.status().function(d.spec().name());
        if (f != null && f.window() != null) {
            o.putObject("window").put("prewarmMs", f.window().prewarmMillis())
                    .put("keepAliveMs", f.window().keepAliveMillis());
        } else {
            o.putNull("window");
        }
        o.set("training", f == null ? training(Training.NEVER) : training(f.training()));
        o.set("signals", signalReasons(d.spec().name(), d.policy(), System.currentTimeMillis()));
        o.set("resources", sizing(f));
        ArrayNode known = o.putArray("available");
        Policies.names().forEach(known::add);
        return o;
    }

    private void putModel(ServerRequest req, ServerResponse res) {
        String name = name(req);
        functions.require(name);
        JsonNode body = readJson(req);
        JsonNode p = body.get("policy");
        JsonNode k = body.get("keepAlive");
        if (p == null && k == null) {
            throw ApiError.badRequest("model: give 'policy' (a policy spec such as \"hybrid\" or \"fixed:10\"),"
                    + " 'keepAlive' ({\"minMs\": ..., \"maxMs\": ...}) or both");
        }
        if (p != null && (!p.isTextual() || p.asText().isBlank())) {
            throw ApiError.badRequest("model: 'policy' must be a policy spec such as \"hybrid\" or \"fixed:10\"");
        }
        KeepAliveBounds bounds;
        try {
            bounds = k == null ? null : keepAliveBounds(k, KeepAliveBounds.NONE);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("model: " + e.getMessage());
        }
        json(res, 200, model(functions.setModel(name, p == null ? null : p.asText().strip(), bounds)));
    }

    /**
     * Reads {@code {"minMs": 60000, "maxMs": 600000}} (either may be absent or null: no bound); a missing
     * object gives {@code absent}.
     */
    static KeepAliveBounds keepAliveBounds(JsonNode k, KeepAliveBounds absent) {
        if (k == null || k.isNull()) {
            return absent;
        }
        if (!k.isObject()) {
            throw new IllegalArgumentException("'keepAlive' must be an object such as {\"minMs\": 60000, \"maxMs\":"
                    + " 600000}, got " + k);
        }
        k.fieldNames().forEachRemaining(f -> {
            if (!f.equals("minMs") && !f.equals("maxMs")) {
                throw new IllegalArgumentException("'keepAlive' has an unknown field '" + f + "' (known: minMs,"
                        + " maxMs)");
            }
        });
        return new KeepAliveBounds(millis(k, "minMs", 0), millis(k, "maxMs", KeepAliveBounds.UNBOUNDED));
    }

    private static long millis(JsonNode k, String field, long absent) {
        JsonNode v = k.get(field);
        if (v == null || v.isNull()) {
            return absent;
        }
        if (!v.canConvertToExactIntegral() || v.asLong() < 0) {
            throw new IllegalArgumentException("'keepAlive." + field + "' must be a whole number of milliseconds"
                    + " >= 0, got " + v);
        }
        return v.asLong();
    }

    /** The JSON form of {@code b}: null for an absent bound. */
    static ObjectNode keepAliveJson(KeepAliveBounds b) {
        ObjectNode o = MAPPER.createObjectNode().put("minMs", b.minMillis());
        return b.maxMillis() == KeepAliveBounds.UNBOUNDED ? o.putNull("maxMs") : o.put("maxMs", b.maxMillis());
    }

    private void forecast(ServerRequest req, ServerResponse res) {
        String name = name(req);
        Functions.Deployed d = functions.require(name);
        EngineStatus.FunctionStatus f = engine.status().function(name);
        Instant now = Instant.now();
        ObjectNode o = MAPPER.createObjectNode();
        o.put("function", name);
        o.put("policy", d.policy());
        o.put("now", now.toString());
        if (f != null && f.window() != null) {
            o.putObject("window").put("prewarmMs", f.window().prewarmMillis())
                    .put("keepAliveMs", f.window().keepAliveMillis());
        } else {
            o.putNull("window");
        }
        boolean arrived = f != null && f.lastArrivalMillis() != Long.MIN_VALUE;
        o.put("lastArrival", arrived ? Instant.ofEpochMilli(f.lastArrivalMillis()).toString() : null);
        // a window is measured from when it was set: the last arrival, or a tick that planned for a signal
        boolean set = f != null && f.windowBaseMillis() != Long.MIN_VALUE;
        o.put("windowSetAt", set ? Instant.ofEpochMilli(f.windowBaseMillis()).toString() : null);
        o.put("coldStartMs", f == null ? 0 : f.coldStartMillis());
        o.set("plan", MAPPER.valueToTree(Forecasts.plan(f == null ? null : f.window(),
                set ? f.windowBaseMillis() : Long.MIN_VALUE, now.toEpochMilli())));
        o.set("signals", signalReasons(name, d.policy(), now.toEpochMilli()));
        Explanation why = engine.explain(name);
        if (why != null) {
            ObjectNode m = o.putObject("model");
            m.put("policy", d.policy()).put("detail", why.policyDetail());
            m.putObject("recentError").put("misses", why.misses()).put("events", why.events())
                    .put("description", why.events() == 0 ? "no event yet a minute or more after a call"
                            : why.misses() + " of the last " + why.events() + " events arrived outside the window"
                            + " the policy had set (a cold start unless capacity kept a sandbox)");
            o.set("sandboxes", MAPPER.valueToTree(why.sandboxes()));
        }
        o.put("warm", f == null ? 0 : f.warm());
        o.set("resources", sizing(f));
        ArrayNode recent = o.putArray("arrivalsPerMinute");
        for (long n : history.arrivalsPerMinute(name, now.minus(Duration.ofMinutes(59)), 60)) {
            recent.add(n);
        }
        json(res, 200, o);
    }

    // ---- external signals ----

    private void createSignal(ServerRequest req, ServerResponse res) {
        JsonNode body = readJson(req);
        Signals.Signal s;
        try {
            s = SignalCodec.read(body);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("signal: " + e.getMessage());
        }
        for (String fn : new TreeSet<>(s.units())) {
            if (functions.get(fn) == null) {
                throw new ApiError(400, "bad_request", "signal '" + s.name() + "': function '" + fn
                        + "' is not deployed", Map.of("signal", s.name(), "function", fn), 0);
            }
        }
        if (!signals.add(s)) {
            throw new ApiError(409, "conflict", "signal '" + s.name() + "' exists; delete it first to replace it",
                    Map.of("signal", s.name()), 0);
        }
        res.header(HeaderNames.LOCATION, "/v1/signals/" + s.name());
        json(res, 201, SignalCodec.write(s, System.currentTimeMillis()));
    }

    private void deleteSignal(ServerRequest req, ServerResponse res) {
        if (!signals.remove(name(req))) {
            throw ApiError.notFound("signal", name(req));
        }
        res.status(204).send();
    }

    private void signalEvents(ServerRequest req, ServerResponse res) {
        Signals.Signal current = signal(name(req));
        if (!SignalCodec.takesEvents(current)) {
            throw new ApiError(409, "conflict", "signal '" + current.name() + "' is a " + SignalCodec.kind(current)
                    + " signal; only feed and activity signals take events",
                    Map.of("signal", current.name(), "kind", SignalCodec.kind(current)), 0);
        }
        JsonNode body = readJson(req);
        try {
            if (!signals.update(current.name(), SignalCodec.events(current, body))) {
                throw ApiError.notFound("signal", current.name()); // deleted meanwhile
            }
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("signal '" + current.name() + "' events: " + e.getMessage());
        }
        json(res, 200, SignalCodec.write(signal(current.name()), System.currentTimeMillis()));
    }

    private Signals.Signal signal(String name) {
        Signals.Signal s = engine.signals().get(name);
        if (s == null) {
            throw ApiError.notFound("signal", name);
        }
        return s;
    }

    /** Why each signal of {@code function} matters now, in words, with its next event or activity factor. */
    private ArrayNode signalReasons(String function, String policy, long now) {
        boolean used = Policies.create(policy).usesSignals();
        ArrayNode out = MAPPER.createArrayNode();
        for (Signals.Signal s : engine.signals().of(function)) {
            ObjectNode x = out.addObject();
            String kind = SignalCodec.kind(s);
            x.put("signal", s.name()).put("kind", kind).put("used", used);
            String what = "signal '" + s.name() + "' (" + kind + ")";
            String reason;
            if (s.activity() != null) {
                double f = s.activity().factorAt(now);
                x.put("factor", f);
                reason = String.format(Locale.ROOT, "%s: user activity is at %.0f%% of its mean now, scaling the"
                        + " expected arrival rate by %.2f", what, f * 100, f);
            } else {
                long next = s.schedule().nextAfter(now);
                if (next == Long.MAX_VALUE) {
                    x.putNull("at");
                    reason = what + " expects no further event";
                } else {
                    String at = Instant.ofEpochMilli(next).toString();
                    String from = Instant.ofEpochMilli(next - s.leadMillis()).toString();
                    x.put("at", at).put("warmFrom", from);
                    reason = what + " expects a run at " + at + ": a sandbox is to be warm from " + from;
                }
            }
            x.put("reason", used ? reason : reason + "; but policy '" + policy + "' does not use signals"
                    + " (seasonal and auto do)");
        }
        return out;
    }

    private static ObjectNode training(Training t) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("lastTrainedAt", t.atMillis() == Long.MIN_VALUE ? null : Instant.ofEpochMilli(t.atMillis()).toString());
        o.put("reason", t.reason().name().toLowerCase(Locale.ROOT));
        o.put("periodic", t.periodic());
        o.put("drift", t.drift());
        return o;
    }

    // ---- resources, stats, export, metrics ----

    static ObjectNode resources(EngineStatus s) {
        ObjectNode o = MAPPER.createObjectNode();
        o.set("capacity", vector(s.capacity()));
        o.set("allocated", vector(s.allocated()));
        o.set("free", vector(s.free()));
        o.put("queued", s.queued());
        o.putObject("isolation").put("backend", s.isolationBackend()).put("isolated", s.isolated())
                .put("reason", s.isolationReason());
        o.put("droppedRecords", s.droppedRecords());
        ArrayNode fs = o.putArray("functions");
        for (EngineStatus.FunctionStatus f : s.functions()) {
            ObjectNode x = fs.addObject();
            x.put("name", f.name()).put("policy", f.policy()).put("warm", f.warm()).put("busy", f.busy())
                    .put("starting", f.starting()).put("queued", f.queued()).put("limitRaised", f.limitRaised());
            x.set("nextLimits", vector(f.nextLimits()));
        }
        return o;
    }

    /**
     * A function's right-sizing: whether its spec lets it be sized, whether the recommendation is in force,
     * on how many samples, what it recommends, the bounds, and the limits its next sandbox gets.
     */
    private static ObjectNode sizing(EngineStatus.FunctionStatus f) {
        ObjectNode o = MAPPER.createObjectNode();
        if (f == null) {
            return o;
        }
        EngineStatus.SizingStatus s = f.sizing();
        o.put("sizable", s.sizable()).put("active", s.active()).put("samples", s.samples());
        o.set("recommended", resources(s.recommended()));
        o.set("min", resources(s.min()));
        o.set("max", resources(s.max()));
        o.set("next", resources(f.nextLimits()));
        return o;
    }

    private static ObjectNode resources(ResourceVector v) {
        return MAPPER.createObjectNode().put("cpu", v.cpuCores()).put("memoryBytes", v.memoryBytes())
                .put("diskBytes", v.diskBytes()).put("ioBytesPerSecond", v.ioBytesPerSecond())
                .put("netBytesPerSecond", v.netBytesPerSecond());
    }

    private static ObjectNode vector(ResourceVector v) {
        return MAPPER.createObjectNode().put("cpu", v.cpuCores()).put("memoryBytes", v.memoryBytes());
    }

    private void stats(ServerRequest req, ServerResponse res) {
        Duration window = duration(req, "window", "1h");
        String only = req.query().first("function").orElse(null);
        if (only != null) {
            functions.require(only);
        }
        engine.flushRecords();
        history.flush(); // read-your-writes: every invocation answered so far is counted
        Instant now = Instant.now();
        ArrayNode out = MAPPER.createArrayNode();
        for (Functions.Deployed d : functions.list()) {
            String fn = d.spec().name();
            if (only == null || only.equals(fn)) {
                out.add(MAPPER.valueToTree(Stats.summarize(fn, history.records(fn, now.minus(window), now),
                        metrics.idleByteSeconds(fn))));
            }
        }
        ObjectNode o = MAPPER.createObjectNode();
        o.put("window", Units.duration(window));
        o.set("functions", out);
        json(res, 200, o);
    }

    private void export(ServerRequest req, ServerResponse res) throws IOException {
        Instant to = instant(req, "to", Instant.now().plusSeconds(1));
        Instant from = instant(req, "from", Instant.EPOCH);
        engine.flushRecords();
        history.flush();
        res.header(HeaderNames.CONTENT_TYPE, "text/csv; charset=utf-8");
        try (Writer w = new OutputStreamWriter(res.outputStream(), StandardCharsets.UTF_8)) {
            TraceCsvExport.write(history, from, to, w);
        }
    }

    private void metrics(ServerRequest req, ServerResponse res) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(8192);
        metrics.write(buf);
        res.header(HeaderNames.CONTENT_TYPE, metrics.contentType()).send(buf.toByteArray());
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

    // ---- helpers ----

    private static String name(ServerRequest req) {
        return req.path().pathParameters().get("name");
    }

    private byte[] readBody(ServerRequest req) {
        var declared = req.headers().contentLength();
        if (declared.isPresent() && declared.getAsLong() > maxPayload) {
            throw tooLarge(declared.getAsLong());
        }
        try (InputStream in = req.content().inputStream()) {
            // a declared length is read exactly (one buffer); an undeclared (chunked) one up to the limit + 1
            int want = (int) (declared.isPresent() ? declared.getAsLong() : Math.min(Integer.MAX_VALUE - 8,
                    maxPayload + 1));
            byte[] b = in.readNBytes(want);
            if (b.length > maxPayload) {
                throw tooLarge(-1);
            }
            return b;
        } catch (IOException e) {
            throw ApiError.badRequest("could not read the request body: " + e.getMessage());
        }
    }

    private ApiError tooLarge(long size) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("limitBytes", maxPayload);
        if (size >= 0) {
            details.put("sizeBytes", size);
        }
        return new ApiError(413, "payload_too_large", "the request body is larger than the limit of "
                + Units.bytes(maxPayload) + " (server.max-payload)", details, 0);
    }

    private JsonNode readJson(ServerRequest req) {
        byte[] b = readBody(req);
        try {
            JsonNode n = MAPPER.readTree(b);
            if (n == null || !n.isObject()) {
                throw ApiError.badRequest("the request body must be a JSON object");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("malformed JSON: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        } catch (IOException e) {
            throw ApiError.badRequest("could not read the request body: " + e.getMessage());
        }
    }

    private static Duration duration(ServerRequest req, String param, String fallback) {
        String v = req.query().first(param).orElse(fallback);
        try {
            return Units.duration(v);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("query parameter '" + param + "': " + e.getMessage());
        }
    }

    private static Instant instant(ServerRequest req, String param, Instant fallback) {
        String v = req.query().first(param).orElse(null);
        if (v == null) {
            return fallback;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw ApiError.badRequest("query parameter '" + param + "' must be an ISO-8601 instant such as"
                    + " 2026-01-31T12:00:00Z but was '" + v + "'");
        }
    }

    private static void json(ServerResponse res, int status, Object body) {
        try {
            res.status(status).header(HeaderNames.CONTENT_TYPE, JSON).send(MAPPER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    static ObjectNode errorBody(ApiError e) {
        ObjectNode o = MAPPER.createObjectNode();
        ObjectNode err = o.putObject("error");
        err.put("kind", e.kind());
        err.put("message", e.getMessage());
        err.set("details", MAPPER.valueToTree(e.details()));
        return o;
    }

    private static void send(ServerResponse res, ApiError e) {
        if (e.retryAfterSeconds() > 0) {
            res.header(HeaderNames.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
        }
        json(res, e.status(), errorBody(e));
    }
}
