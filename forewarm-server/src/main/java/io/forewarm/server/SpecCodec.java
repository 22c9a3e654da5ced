package io.forewarm.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.forewarm.core.FunctionSpec;
import io.forewarm.core.KeepAliveBounds;
import io.forewarm.core.ResourceVector;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON form of a function spec, as deployed by {@code PUT /v1/functions/{name}} and written in spec files.
 * Sizes may be numbers (bytes) or strings ({@code "256MB"}), durations strings ({@code "30s"}); the init payload
 * is base64 ({@code initPayload}) or text ({@code initText}). An unknown field fails, naming it.
 */
public final class SpecCodec {

    /** Every field a spec may carry. */
    static final Set<String> FIELDS = Set.of("name", "kind", "argv", "env", "workingDirectory", "limits", "minLimits",
            "maxLimits", "pidsLimit", "timeout", "initTimeout", "maxConcurrency", "warmupFiles", "initPayload",
            "initText", "policy", "version", "pipelineDepth");
    private static final Set<String> LIMIT_FIELDS = Set.of("cpu", "memory", "disk", "io", "net");

    private SpecCodec() {
    }

    /** A spec and the policy it is deployed with (null: the server's default). */
    public record Deployment(FunctionSpec spec, String policy, Long expectedVersion) {
    }

    /**
     * Reads a spec from {@code json}; {@code pathName}, when not null, must agree with its name (or supplies it).
     *
     * @throws IllegalArgumentException naming the field and value that are wrong
     */
    public static Deployment read(JsonNode json, String pathName) {
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("a function spec must be a JSON object");
        }
        json.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) {
                throw new IllegalArgumentException("unknown field '" + f + "'; known: " + String.join(", ",
                        FIELDS.stream().sorted().toList()));
            }
        });
        String name = text(json, "name", pathName);
        if (pathName != null && !pathName.equals(name)) {
            throw new IllegalArgumentException("name: the spec says '" + name + "' but the path says '" + pathName
                    + "'");
        }
        if (name == null) {
            throw new IllegalArgumentException("name is required");
        }
        FunctionSpec.Kind kind = FunctionSpec.Kind.parse(text(json, "kind", "worker"));
        List<String> argv = new ArrayList<>();
        JsonNode a = json.get("argv");
        if (a == null || !a.isArray()) {
            throw new IllegalArgumentException("argv must be an array of strings (the program and its arguments)");
        }
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).isTextual()) {
                throw new IllegalArgumentException("argv[" + i + "] must be a string but was " + a.get(i));
            }
            argv.add(a.get(i).asText());
        }
        FunctionSpec.Builder b = FunctionSpec.builder(name, kind, argv)
                .env(stringMap(json, "env"))
                .limits(limits("limits", json.get("limits"), ResourceVector.ZERO))
                .minLimits(limits("minLimits", json.get("minLimits"), null))
                .maxLimits(limits("maxLimits", json.get("maxLimits"), null));
        String wd = text(json, "workingDirectory", null);
        if (wd != null) {
            b.workingDirectory(Path.of(wd));
        }
        if (json.has("pidsLimit")) {
            b.pidsLimit(integer(json, "pidsLimit"));
        }
        if (json.has("maxConcurrency")) {
            b.maxConcurrency(integer(json, "maxConcurrency"));
        }
        if (json.has("pipelineDepth")) {
            b.pipelineDepth(integer(json, "pipelineDepth"));
        }
        if (json.has("timeout")) {
            b.timeout(duration(json, "timeout"));
        }
        if (json.has("initTimeout")) {
            b.initTimeout(duration(json, "initTimeout"));
        }
        Map<String, Path> warmup = new LinkedHashMap<>();
        stringMap(json, "warmupFiles").forEach((k, v) -> warmup.put(k, Path.of(v)));
        b.warmupFiles(warmup);
        if (json.has("initPayload") && json.has("initText")) {
            throw new IllegalArgumentException("give initPayload (base64) or initText, not both");
        }
        if (json.has("initPayload")) {
            try {
                b.initPayload(Base64.getDecoder().decode(text(json, "initPayload", "")));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("initPayload must be base64: " + e.getMessage(), e);
            }
        } else if (json.has("initText")) {
            b.initPayload(text(json, "initText", "").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        Long version = json.has("version") ? (long) integer(json, "version") : null;
        return new Deployment(b.build(), text(json, "policy", null), version);
    }

    /** The JSON form of {@code spec} (without policy and version, which the caller adds). */
    public static ObjectNode write(FunctionSpec spec) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.put("name", spec.name());
        o.put("kind", spec.kind().label());
        ArrayNode argv = o.putArray("argv");
        spec.argv().forEach(argv::add);
        ObjectNode env = o.putObject("env");
        spec.env().forEach(env::put);
        if (spec.workingDirectory() != null) {
            o.put("workingDirectory", spec.workingDirectory().toString());
        }
        writeLimits(o.putObject("limits"), spec.limits());
        if (spec.sizable()) { // absent bounds read back as the limits themselves
            writeLimits(o.putObject("minLimits"), spec.minLimits());
            writeLimits(o.putObject("maxLimits"), spec.maxLimits());
        }
        o.put("pidsLimit", spec.pidsLimit());
        o.put("timeout", Units.duration(spec.timeout()));
        o.put("initTimeout", Units.duration(spec.initTimeout()));
        o.put("maxConcurrency", spec.maxConcurrency());
        o.put("pipelineDepth", spec.pipelineDepth());
        ObjectNode w = o.putObject("warmupFiles");
        spec.warmupFiles().forEach((k, v) -> w.put(k, v.toString()));
        o.put("initPayload", Base64.getEncoder().encodeToString(spec.initPayload()));
        return o;
    }

    /**
     * Reads keep-alive bounds {@code {"minMs": 60000, "maxMs": 600000}} (either may be absent or null: no
     * bound); a missing object gives {@code absent}.
     *
     * @throws IllegalArgumentException naming the field and value that are wrong
     */
    static KeepAliveBounds readKeepAlive(JsonNode k, KeepAliveBounds absent) {
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

    /** The JSON form of {@code b}: null for an absent bound. */
    static ObjectNode writeKeepAlive(KeepAliveBounds b) {
        ObjectNode o = JsonNodeFactory.instance.objectNode().put("minMs", b.minMillis());
        return b.maxMillis() == KeepAliveBounds.UNBOUNDED ? o.putNull("maxMs") : o.put("maxMs", b.maxMillis());
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

    private static void writeLimits(ObjectNode l, ResourceVector r) {
        l.put("cpu", r.cpuCores());
        l.put("memory", Units.bytes(r.memoryBytes()));
        l.put("disk", Units.bytes(r.diskBytes()));
        l.put("io", Units.bytes(r.ioBytesPerSecond()));
        l.put("net", Units.bytes(r.netBytesPerSecond()));
    }

    /** The resource object under {@code key} ({@code limits}, {@code minLimits}, ...), or {@code absent}. */
    private static ResourceVector limits(String key, JsonNode l, ResourceVector absent) {
        if (l == null || l.isNull()) {
            return absent;
        }
        if (!l.isObject()) {
            throw new IllegalArgumentException(key + " must be an object with cpu, memory, disk, io, net");
        }
        l.fieldNames().forEachRemaining(f -> {
            if (!LIMIT_FIELDS.contains(f)) {
                throw new IllegalArgumentException(key + ": unknown field '" + f + "'; known: cpu, memory, disk,"
                        + " io, net");
            }
        });
        JsonNode cpu = l.get("cpu");
        if (cpu != null && !cpu.isNumber()) {
            throw new IllegalArgumentException(key + ".cpu must be a number of cores but was " + cpu);
        }
        return new ResourceVector(cpu == null ? 0 : cpu.asDouble(), size(key, l, "memory"), size(key, l, "disk"),
                size(key, l, "io"), size(key, l, "net"));
    }

    private static long size(String key, JsonNode l, String field) {
        JsonNode v = l.get(field);
        if (v == null) {
            return 0;
        }
        if (v.isIntegralNumber()) {
            return v.asLong();
        }
        if (v.isTextual()) {
            try {
                return Units.bytes(v.asText());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + "." + field + ": " + e.getMessage(), e);
            }
        }
        throw new IllegalArgumentException(key + "." + field + " must be bytes or a size such as 256MB but was "
                + v);
    }

    private static String text(JsonNode json, String field, String fallback) {
        JsonNode v = json.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException(field + " must be a string but was " + v);
        }
        return v.asText();
    }

    private static int integer(JsonNode json, String field) {
        JsonNode v = json.get(field);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new IllegalArgumentException(field + " must be an integer but was " + v);
        }
        return v.asInt();
    }

    private static Duration duration(JsonNode json, String field) {
        try {
            return Units.duration(text(json, field, null));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, String> stringMap(JsonNode json, String field) {
        JsonNode v = json.get(field);
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isObject()) {
            throw new IllegalArgumentException(field + " must be an object of strings but was " + v);
        }
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            if (!e.getValue().isTextual()) {
                throw new IllegalArgumentException(field + "." + e.getKey() + " must be a string but was "
                        + e.getValue());
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }
}
