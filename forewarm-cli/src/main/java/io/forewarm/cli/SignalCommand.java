package io.forewarm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.concurrent.Callable;

/** {@code forewarm signal}: register, list, feed and remove external signals on a running server. */
@Command(name = "signal", mixinStandardHelpOptions = true,
        description = "Register, list, feed and remove external signals (scheduled events, data feeds, activity).",
        subcommands = {SignalCommand.Add.class, SignalCommand.List.class, SignalCommand.Event.class,
                SignalCommand.Rm.class},
        footer = Client.EXIT_CODES)
final class SignalCommand {

    /** {@code forewarm signal add FILE}. */
    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Register the signal a file (JSON, or YAML by .yaml/.yml) describes: name, kind (cron, once,"
                    + " feed, activity), functions, lead and spec (see docs/openapi.yaml, SignalSpec).",
            footer = Client.EXIT_CODES)
    static final class Add implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Parameters(paramLabel = "FILE", description = "The signal.")
        Path file;

        @Override
        public Integer call() {
            return options.call((api, out) -> {
                ObjectNode body = FnCommand.Deploy.read(file);
                JsonNode r = api.post("/v1/signals", ApiClient.JSON.writeValueAsBytes(body)).json();
                out.println(options.json() ? r.toString() : "added " + describe(r));
            });
        }
    }

    /** {@code forewarm signal list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the signals with their next event.",
            footer = Client.EXIT_CODES)
    static final class List implements Callable<Integer> {
        @Mixin
        ClientOptions options;

        @Override
        public Integer call() {
            return options.call((api, out) -> {
                JsonNode r = api.get("/v1/signals").json();
                if (options.json()) {
                    out.println(r);
                    return;
                }
                out.printf("%-24s %-9s %-6s %-24s %s%n", "NAME", "KIND", "LEAD", "NEXT", "FUNCTIONS");
                for (JsonNode s : r.path("signals")) {
                    java.util.List<String> fns = new ArrayList<>();
                    s.path("functions").forEach(f -> fns.add(f.asText()));
                    out.printf("%-24s %-9s %-6s %-24s %s%n", s.path("name").asText(), s.path("kind").asText(),
                            s.path("lead").asText("-"), next(s), String.join(",", fns));
                }
            });
        }
    }

    /** {@code forewarm signal event NAME (--at T... | --level L...)}. */
    @Command(name = "event", mixinStandardHelpOptions = true,
            description = "Append observed arrivals to a feed, or levels to an activity series.",
            footer = Client.EXIT_CODES)
    static final class Event implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Parameters(paramLabel = "NAME", description = "The signal.")
        String name;
        @Option(names = "--at", paramLabel = "INSTANT", description = "A feed arrival (ISO-8601), repeatable.")
        java.util.List<String> at = new ArrayList<>();
        @Option(names = "--level", paramLabel = "LEVEL", description = "An activity level, repeatable.")
        java.util.List<Double> levels = new ArrayList<>();

        @Override
        public Integer call() {
            return options.call((api, out) -> {
                if (at.isEmpty() == levels.isEmpty()) {
                    throw new IllegalArgumentException("give --at (a feed's arrivals) or --level (activity levels),"
                            + " not both and not neither");
                }
                ObjectNode body = ApiClient.JSON.createObjectNode();
                ArrayNode values = body.putArray(at.isEmpty() ? "levels" : "at");
                at.forEach(values::add);
                levels.forEach(values::add);
                JsonNode r = api.post("/v1/signals/" + Client.path(name) + "/events",
                        ApiClient.JSON.writeValueAsBytes(body)).json();
                out.println(options.json() ? r.toString() : "updated " + describe(r));
            });
        }
    }

    /** {@code forewarm signal rm NAME}. */
    @Command(name = "rm", mixinStandardHelpOptions = true, description = "Remove a signal.",
            footer = Client.EXIT_CODES)
    static final class Rm implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Parameters(paramLabel = "NAME", description = "The signal.")
        String name;

        @Override
        public Integer call() {
            return options.call((api, out) -> {
                api.delete("/v1/signals/" + Client.path(name));
                out.println(options.json() ? "{\"removed\":\"" + name + "\"}" : "removed " + name);
            });
        }
    }

    /** {@code name (kind): next ...} for one signal. */
    private static String describe(JsonNode s) {
        return s.path("name").asText() + " (" + s.path("kind").asText() + "): "
                + (s.has("factorNow") ? "activity factor now " + s.path("factorNow").asDouble() : "next " + next(s));
    }

    private static String next(JsonNode s) {
        JsonNode n = s.path("next");
        return s.has("factorNow") ? "-" : n.isNull() || n.isMissingNode() ? "none" : n.asText();
    }

    private SignalCommand() {
    }
}
