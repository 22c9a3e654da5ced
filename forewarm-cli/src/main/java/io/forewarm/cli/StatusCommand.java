package io.forewarm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code forewarm status}: the host budget, the isolation backend and every function's pool and stats. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show capacity, isolation, and per function its pool, invocations, cold starts and latency.",
        footer = Client.EXIT_CODES)
final class StatusCommand implements Callable<Integer> {

    @Mixin
    ClientOptions options;
    @Option(names = "--window", paramLabel = "DURATION", defaultValue = "1h",
            description = "How far back the stats reach, e.g. 30m, 1h, 7d (default: ${DEFAULT-VALUE}).")
    String window;

    @Override
    public Integer call() {
        return options.call((api, out) -> {
            JsonNode res = api.get("/v1/resources").json();
            JsonNode stats = api.get("/v1/stats?window=" + Client.path(window)).json();
            if (options.json()) {
                ObjectNode o = ApiClient.JSON.createObjectNode();
                o.set("resources", res);
                o.set("stats", stats);
                out.println(o);
                return;
            }
            out.printf("isolation: %s (%s)%n", res.at("/isolation/backend").asText(),
                    res.at("/isolation/reason").asText());
            out.printf("capacity:  %.1f cpu, %s; allocated %.1f cpu, %s; queued %d%n",
                    res.at("/capacity/cpu").asDouble(), mb(res.at("/capacity/memoryBytes").asLong()),
                    res.at("/allocated/cpu").asDouble(), mb(res.at("/allocated/memoryBytes").asLong()),
                    res.path("queued").asInt());
            Map<String, JsonNode> byName = new HashMap<>();
            stats.path("functions").forEach(f -> byName.put(f.path("function").asText(), f));
            out.printf("%n%-20s %-14s %4s %4s %5s %6s %8s %6s %9s %9s%n", "FUNCTION", "POLICY", "WARM", "BUSY",
                    "START", "QUEUED", "INVOKED", "COLD%", "WARM p50", "COLD p50");
            for (JsonNode f : res.path("functions")) {
                JsonNode s = byName.getOrDefault(f.path("name").asText(), ApiClient.JSON.createObjectNode());
                out.printf("%-20s %-14s %4d %4d %5d %6d %8d %5.1f%% %6d ms %6d ms%n", f.path("name").asText(),
                        f.path("policy").asText(), f.path("warm").asInt(), f.path("busy").asInt(),
                        f.path("starting").asInt(), f.path("queued").asInt(), s.path("invocations").asLong(),
                        s.path("coldPercent").asDouble(), s.at("/warmLatencyMillis/p50").asLong(),
                        s.at("/coldLatencyMillis/p50").asLong());
            }
            out.printf("(stats over the last %s)%n", stats.path("window").asText());
        });
    }

    private static String mb(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.0f MB", bytes / 1048576.0);
    }
}
