package io.forewarm.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webserver.http.ServerRequest;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads request bodies within the payload limit ({@code server.max-payload}): over it, 413. */
record Bodies(long maxPayload) {

    /** The body's bytes. */
    byte[] bytes(ServerRequest req) {
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

    /** The body as a JSON object; 400 naming line and column when it is not one. */
    JsonNode object(ServerRequest req) {
        byte[] b = bytes(req);
        try {
            JsonNode n = Http.MAPPER.readTree(b);
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

    private ApiError tooLarge(long size) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("limitBytes", maxPayload);
        if (size >= 0) {
            details.put("sizeBytes", size);
        }
        return new ApiError(413, "payload_too_large", "the request body is larger than the limit of "
                + Units.bytes(maxPayload) + " (server.max-payload)", details, 0);
    }
}
