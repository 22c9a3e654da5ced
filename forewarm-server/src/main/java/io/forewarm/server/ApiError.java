package io.forewarm.server;

import java.util.Map;

/**
 * A request that cannot be served, with the HTTP status and the kind that go into the one error shape
 * {@code {"error": {"kind", "message", "details"}}}.
 */
public final class ApiError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The HTTP status. */
    private final int status;
    /** A stable machine-readable kind such as {@code not_found}. */
    private final String kind;
    /** Structured context (the field, the limit, ...). */
    private final transient Map<String, Object> details;
    /** Seconds after which a retry may succeed, or 0 for no Retry-After header. */
    private final long retryAfterSeconds;

    /** An error with status, kind, message, details and an optional Retry-After (0: none). */
    public ApiError(int status, String kind, String message, Map<String, Object> details, long retryAfterSeconds) {
        super(message);
        this.status = status;
        this.kind = kind;
        this.details = Map.copyOf(details);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 400: the request is malformed. */
    public static ApiError badRequest(String message) {
        return new ApiError(400, "bad_request", message, Map.of(), 0);
    }

    /** 404: no such function (or invocation). */
    public static ApiError notFound(String what, String name) {
        return new ApiError(404, "not_found", "unknown " + what + " '" + name + "'", Map.of(what, name), 0);
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The machine-readable kind. */
    public String kind() {
        return kind;
    }

    /** Structured context. */
    public Map<String, Object> details() {
        return details;
    }

    /** Seconds for the Retry-After header, 0 for none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
