package io.forewarm.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.forewarm.core.KeepAliveBounds;
import io.forewarm.core.ResourceVector;
import io.forewarm.engine.EngineStatus;
import io.forewarm.engine.Explanation;
import io.forewarm.engine.Orchestrator;
import io.forewarm.engine.Training;
import io.forewarm.history.HistoryView;
import io.forewarm.predict.Policies;
import io.forewarm.predict.Signals;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import static io.forewarm.server.Http.MAPPER;
import static io.forewarm.server.Http.json;
import static io.forewarm.server.Http.name;

/**
 * Each function's model (which predictor, its parameters, keep-alive bounds) and its forecast: the window in
 * force, the plan it leads to, and the model's own account of why.
 */
record ModelRoutes(Orchestrator engine, HistoryView history, Functions functions,
        Bodies bodies) implements HttpService {

    @Override
    public void routing(HttpRules r) {
        r.get("/v1/functions/{name}/model", (req, res) -> json(res, 200, model(functions.require(name(req)))))
                .put("/v1/functions/{name}/model", this::putModel)
                .get("/v1/functions/{name}/forecast", this::forecast);
    }

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
        o.set("keepAlive", SpecCodec.writeKeepAlive(d.bounds()));
        // the window in force: what the policy chose at the function's last arrival, within those bounds
        EngineStatus.FunctionStatus f = engine.status(d.spec().name());
        putWindow(o, f);
        o.set("training", training(f == null ? Training.NEVER : f.training()));
        o.set("signals", signalReasons(d.spec().name(), d.policy(), System.currentTimeMillis()));
        o.set("resources", sizing(f));
        ArrayNode known = o.putArray("available");
        Policies.names().forEach(known::add);
        return o;
    }

    private void putModel(ServerRequest req, ServerResponse res) {
        String name = name(req);
        functions.require(name);
        JsonNode body = bodies.object(req);
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
            bounds = k == null ? null : SpecCodec.readKeepAlive(k, KeepAliveBounds.NONE);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("model: " + e.getMessage());
        }
        json(res, 200, model(functions.setModel(name, p == null ? null : p.asText().strip(), bounds)));
    }

    private void forecast(ServerRequest req, ServerResponse res) {
        String name = name(req);
        Functions.Deployed d = functions.require(name);
        EngineStatus.FunctionStatus f = engine.status(name);
        Instant now = Instant.now();
        ObjectNode o = MAPPER.createObjectNode();
        o.put("function", name);
        o.put("policy", d.policy());
        o.put("now", now.toString());
        putWindow(o, f);
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

    /** The window in force as {@code "window": {prewarmMs, keepAliveMs}}, or null before the first one. */
    private static void putWindow(ObjectNode o, EngineStatus.FunctionStatus f) {
        if (f != null && f.window() != null) {
            o.putObject("window").put("prewarmMs", f.window().prewarmMillis())
                    .put("keepAliveMs", f.window().keepAliveMillis());
        } else {
            o.putNull("window");
        }
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
}
