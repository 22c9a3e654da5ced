package io.forewarm.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.forewarm.core.FunctionSpec;
import io.forewarm.core.KeepAliveBounds;
import io.forewarm.engine.Orchestrator;
import io.forewarm.predict.Policies;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The deployed functions, each with its policy and a version that rises with every change; changes of the
 * engine's registrations go through here, one at a time. An update re-registers the function with the engine,
 * which first drains its busy sandboxes; a deploy that changes nothing keeps the warm pool. With a file, every
 * change is written to it (whole, then moved into place) and the functions in it are deployed again at start.
 */
final class Functions {

    /**
     * One deployed function.
     *
     * @param spec    how it runs
     * @param policy  its keep-alive / pre-warm policy spec
     * @param bounds  the operator's bounds on the policy's windows
     * @param version 1 on creation, +1 on every change
     * @param updated when it last changed
     */
    record Deployed(FunctionSpec spec, String policy, KeepAliveBounds bounds, long version, Instant updated) {
    }

    /** What a deploy did. */
    enum Outcome { CREATED, UPDATED, UNCHANGED }

    /** A deploy's outcome and the function as now deployed. */
    record Put(Outcome outcome, Deployed deployed) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Orchestrator engine;
    private final String defaultPolicy;
    private final JsonListFile file;
    private final Map<String, Deployed> deployed = new ConcurrentHashMap<>();

    /** Functions registered with {@code engine}, kept in {@code file} (null: nowhere). */
    Functions(Orchestrator engine, String defaultPolicy, Path file) {
        this.engine = engine;
        this.defaultPolicy = defaultPolicy;
        this.file = new JsonListFile("history.functions-file", file, "functions");
    }

    /**
     * Deploys every function kept in the file, with its policy and version; fails naming the file and the
     * function that cannot be deployed (a half-restored server would be worse than none).
     */
    synchronized void restore() {
        for (JsonNode f : file.read()) {
            String name = f.path("spec").path("name").asText("?");
            try {
                FunctionSpec spec = SpecCodec.read(f.get("spec"), null).spec();
                String policy = f.path("policy").asText(defaultPolicy);
                KeepAliveBounds bounds = SpecCodec.readKeepAlive(f.get("keepAlive"), KeepAliveBounds.NONE);
                engine.register(spec, policy, bounds);
                deployed.put(spec.name(), new Deployed(spec, policy, bounds, f.path("version").asLong(1),
                        Instant.parse(f.path("updated").asText(Instant.now().toString()))));
            } catch (RuntimeException e) {
                throw file.failure("function '" + name + "' cannot be deployed again", e);
            }
        }
    }

    /** Writes every deployed function to the file, replacing it in one move. */
    private void save() {
        file.write(list().stream().map(d -> {
            ObjectNode o = JSON.createObjectNode();
            o.set("spec", SpecCodec.write(d.spec()));
            o.put("policy", d.policy());
            o.set("keepAlive", SpecCodec.writeKeepAlive(d.bounds()));
            o.put("version", d.version());
            o.put("updated", d.updated().toString());
            return o;
        }).toList());
    }

    /** The function named {@code name}, or null. */
    Deployed get(String name) {
        return deployed.get(name);
    }

    /** Every deployed function by name. */
    List<Deployed> list() {
        return deployed.values().stream().sorted(java.util.Comparator.comparing(d -> d.spec().name())).toList();
    }

    /**
     * Creates or updates {@code spec} with {@code policy} and {@code bounds} (null: keep the current ones, or
     * the defaults). {@code expectedVersion}, when given, must be the current version (0: must not exist yet).
     *
     * @throws ApiError 409 when the expected version does not match; 400 when the policy or spec is refused
     */
    synchronized Put put(FunctionSpec spec, String policy, KeepAliveBounds bounds, Long expectedVersion) {
        Deployed cur = deployed.get(spec.name());
        long version = cur == null ? 0 : cur.version();
        if (expectedVersion != null && expectedVersion != version) {
            throw new ApiError(409, "conflict", "function '" + spec.name() + "' is at version " + version
                    + " but the request expected version " + expectedVersion,
                    Map.of("function", spec.name(), "version", version, "expectedVersion", expectedVersion), 0);
        }
        String p = policy != null ? policy : cur != null ? cur.policy() : defaultPolicy;
        KeepAliveBounds b = bounds != null ? bounds : cur != null ? cur.bounds() : KeepAliveBounds.NONE;
        checkPolicy(p);
        if (cur != null && cur.spec().equals(spec) && cur.policy().equals(p) && cur.bounds().equals(b)) {
            return new Put(Outcome.UNCHANGED, cur);
        }
        if (cur != null) {
            engine.unregister(spec.name());
        }
        try {
            engine.register(spec, p, b);
        } catch (IllegalArgumentException e) {
            if (cur != null) {
                // the old one stays deployed, as the refusal says
                engine.register(cur.spec(), cur.policy(), cur.bounds());
            }
            throw ApiError.badRequest(e.getMessage());
        }
        Deployed d = new Deployed(spec, p, b, version + 1, Instant.now());
        deployed.put(spec.name(), d);
        save();
        return new Put(cur == null ? Outcome.CREATED : Outcome.UPDATED, d);
    }

    /**
     * Changes only the model of {@code name}: its policy and/or its bounds (null: keep). Its sandboxes are
     * drained and the new policy starts afresh.
     */
    synchronized Deployed setModel(String name, String policy, KeepAliveBounds bounds) {
        Deployed cur = require(name);
        return put(cur.spec(), policy, bounds, null).deployed();
    }

    /** Removes {@code name} after its busy sandboxes finish. */
    synchronized void remove(String name) {
        require(name);
        engine.unregister(name);
        deployed.remove(name);
        save();
    }

    /** The function named {@code name}; 404 if there is none. */
    Deployed require(String name) {
        Deployed d = deployed.get(name);
        if (d == null) {
            throw ApiError.notFound("function", name);
        }
        return d;
    }

    private static void checkPolicy(String policy) {
        try {
            if (Policies.create(policy).needsForesight()) {
                throw new IllegalArgumentException("policy '" + policy + "' needs foresight, which only the"
                        + " simulator has");
            }
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "bad_request", "policy: " + e.getMessage(), Map.of("policy", policy), 0);
        }
    }
}
