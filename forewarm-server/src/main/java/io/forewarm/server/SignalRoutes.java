package io.forewarm.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.forewarm.predict.Signals;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Map;
import java.util.TreeSet;

import static io.forewarm.server.Http.json;
import static io.forewarm.server.Http.name;

/** External signals (scheduled events, data feeds, user activity) that the models use as inputs. */
record SignalRoutes(Signals live, SignalStore signals, Functions functions, Bodies bodies) implements HttpService {

    @Override
    public void routing(HttpRules r) {
        r.get("/v1/signals", (req, res) -> json(res, 200, Map.of("signals", live.all().stream()
                        .map(s -> SignalCodec.write(s, System.currentTimeMillis())).toList())))
                .post("/v1/signals", this::create)
                .get("/v1/signals/{name}", (req, res) -> json(res, 200,
                        SignalCodec.write(signal(name(req)), System.currentTimeMillis())))
                .delete("/v1/signals/{name}", this::delete)
                .post("/v1/signals/{name}/events", this::events);
    }

    private void create(ServerRequest req, ServerResponse res) {
        JsonNode body = bodies.object(req);
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

    private void delete(ServerRequest req, ServerResponse res) {
        if (!signals.remove(name(req))) {
            throw ApiError.notFound("signal", name(req));
        }
        res.status(204).send();
    }

    private void events(ServerRequest req, ServerResponse res) {
        Signals.Signal current = signal(name(req));
        if (!SignalCodec.takesEvents(current)) {
            throw new ApiError(409, "conflict", "signal '" + current.name() + "' is a " + SignalCodec.kind(current)
                    + " signal; only feed and activity signals take events",
                    Map.of("signal", current.name(), "kind", SignalCodec.kind(current)), 0);
        }
        JsonNode body = bodies.object(req);
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
        Signals.Signal s = live.get(name);
        if (s == null) {
            throw ApiError.notFound("signal", name);
        }
        return s;
    }
}
