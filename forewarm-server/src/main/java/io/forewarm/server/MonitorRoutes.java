package io.forewarm.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.forewarm.core.ResourceVector;
import io.forewarm.engine.EngineStatus;
import io.forewarm.engine.Orchestrator;
import io.forewarm.history.HistoryStore;
import io.forewarm.history.TraceCsvExport;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static io.forewarm.server.Http.MAPPER;
import static io.forewarm.server.Http.json;

/** Monitoring: availability of resources, per-function stats, the history export and Prometheus metrics. */
record MonitorRoutes(Orchestrator engine, HistoryStore history, Functions functions,
        Metrics metrics) implements HttpService {

    @Override
    public void routing(HttpRules r) {
        r.get("/v1/resources", (req, res) -> json(res, 200, resources(engine.status())))
                .get("/v1/stats", this::stats)
                .get("/v1/history/export", this::export)
                .get("/metrics", this::metrics);
    }

    /** Host capacity, allocated and free, the queue, the isolation backend and each function's pool. */
    private static ObjectNode resources(EngineStatus s) {
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
                    .put("starting", f.starting()).put("queued", f.queued()).put("running", f.running())
                    .put("limitRaised", f.limitRaised());
            x.set("nextLimits", vector(f.nextLimits()));
        }
        return o;
    }

    private static ObjectNode vector(ResourceVector v) {
        return MAPPER.createObjectNode().put("cpu", v.cpuCores()).put("memoryBytes", v.memoryBytes());
    }

    private void stats(ServerRequest req, ServerResponse res) {
        Duration window = Http.duration(req, "window", "1h");
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
        Instant to = Http.instant(req, "to", Instant.now().plusSeconds(1));
        Instant from = Http.instant(req, "from", Instant.EPOCH);
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
}
