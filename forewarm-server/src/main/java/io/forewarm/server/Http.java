package io.forewarm.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** What every route group does alike: JSON responses, the one error shape, and path and query parameters. */
final class Http {

    /** The mapper every route writes and reads JSON with. */
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Http() {
    }

    /** Sends {@code body} as JSON with {@code status}. */
    static void json(ServerResponse res, int status, Object body) {
        try {
            res.status(status).header(HeaderNames.CONTENT_TYPE, "application/json")
                    .send(MAPPER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /** Sends {@code e} in the one error shape, with Retry-After when it has one. */
    static void send(ServerResponse res, ApiError e) {
        if (e.retryAfterSeconds() > 0) {
            res.header(HeaderNames.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
        }
        json(res, e.status(), errorBody(e));
    }

    /** {@code {"error": {"kind", "message", "details"}}}. */
    static ObjectNode errorBody(ApiError e) {
        ObjectNode o = MAPPER.createObjectNode();
        ObjectNode err = o.putObject("error");
        err.put("kind", e.kind());
        err.put("message", e.getMessage());
        err.set("details", MAPPER.valueToTree(e.details()));
        return o;
    }

    /** The {@code {name}} path parameter. */
    static String name(ServerRequest req) {
        return req.path().pathParameters().get("name");
    }

    /** The query parameter {@code param} as a duration such as {@code 15m}, or {@code fallback}'s. */
    static Duration duration(ServerRequest req, String param, String fallback) {
        String v = req.query().first(param).orElse(fallback);
        try {
            return Units.duration(v);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("query parameter '" + param + "': " + e.getMessage());
        }
    }

    /** The query parameter {@code param} as an ISO-8601 instant, or {@code fallback}. */
    static Instant instant(ServerRequest req, String param, Instant fallback) {
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
}
