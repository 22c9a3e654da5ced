package io.forewarm.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code forewarm fn}: deploy, list and remove functions on a running server. */
@Command(name = "fn", mixinStandardHelpOptions = true, description = "Deploy, list and remove functions.",
        subcommands = {FnCommand.Deploy.class, FnCommand.List.class, FnCommand.Rm.class},
        footer = Client.EXIT_CODES)
final class FnCommand {

    /** {@code forewarm fn deploy FILE}. */
    @Command(name = "deploy", mixinStandardHelpOptions = true,
            description = "Create or update the function a spec file (JSON, or YAML by .yaml/.yml) describes.",
            footer = Client.EXIT_CODES)
    static final class Deploy implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Parameters(paramLabel = "FILE", description = "The function spec (see docs/openapi.yaml, FunctionSpec).")
        Path file;
        @Option(names = "--policy", paramLabel = "SPEC", description = "Policy spec, overriding the file's.")
        String policy;

        @Override
        public Integer call() {
            return options.call((api, out) -> {
                ObjectNode body = read(file);
                if (policy != null) {
                    body.put("policy", policy);
                }
                String name = body.path("name").asText("");
                if (name.isEmpty()) {
                    throw new IllegalArgumentException(file + ": the spec needs a \"name\"");
                }
                JsonNode r = api.put("/v1/functions/" + Client.path(name), body).json();
                if (options.json()) {
                    out.println(r);
                } else {
                    out.printf("%s %s: version %d, policy %s%n", r.path("outcome").asText(), name,
                            r.path("version").asLong(), r.path("policy").asText());
                }
            });
        }

        /** Reads a spec file as a JSON object, naming file, line and column when it is malformed. */
        static ObjectNode read(Path file) {
            String n = file.getFileName().toString();
            ObjectMapper m = n.endsWith(".yaml") || n.endsWith(".yml") ? new ObjectMapper(new YAMLFactory())
                    : ApiClient.JSON;
            try {
                JsonNode node = m.readTree(Files.readAllBytes(file));
                if (node == null || !node.isObject()) {
                    throw new IllegalArgumentException(file + ": the file must hold an object");
                }
                return (ObjectNode) node;
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(file + ":" + e.getLocation().getLineNr() + ":"
                        + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage(), e);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /** {@code forewarm fn list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the deployed functions.",
            footer = Client.EXIT_CODES)
    static final class List implements Callable<Integer> {
        @Mixin
        ClientOptions options;

        @Override
        public Integer call() {
            return options.call((api, out) -> {
                JsonNode r = api.get("/v1/functions").json();
                if (options.json()) {
                    out.println(r);
                    return;
                }
                out.printf("%-24s %-8s %-16s %7s %5s  %s%n", "NAME", "KIND", "POLICY", "VERSION", "MAX", "PROGRAM");
                for (JsonNode f : r.path("functions")) {
                    out.printf("%-24s %-8s %-16s %7d %5d  %s%n", f.path("name").asText(), f.path("kind").asText(),
                            f.path("policy").asText(), f.path("version").asLong(), f.path("maxConcurrency").asInt(),
                            f.path("argv").path(0).asText());
                }
            });
        }
    }

    /** {@code forewarm fn rm NAME}. */
    @Command(name = "rm", mixinStandardHelpOptions = true,
            description = "Remove a function (its busy sandboxes finish first).",
            footer = Client.EXIT_CODES)
    static final class Rm implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Parameters(paramLabel = "NAME", description = "The function.")
        String name;

        @Override
        public Integer call() {
            return options.call((api, out) -> {
                api.delete("/v1/functions/" + Client.path(name));
                out.println(options.json() ? "{\"removed\":\"" + name + "\"}" : "removed " + name);
            });
        }
    }

    private FnCommand() {
    }
}
