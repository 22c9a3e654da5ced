package io.forewarm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.Callable;

/** {@code forewarm invoke NAME}: runs a function once and prints its output and what it cost. */
@Command(name = "invoke", mixinStandardHelpOptions = true,
        description = "Invoke a function; prints its output, then (on stderr) cold or warm and the times.",
        footer = Client.EXIT_CODES)
final class InvokeCommand implements Callable<Integer> {

    @Mixin
    ClientOptions options;
    @Parameters(paramLabel = "NAME", description = "The function.")
    String name;
    @Option(names = "--data", paramLabel = "DATA",
            description = "The payload: text, @FILE for a file's bytes, or @- for standard input (default: empty).")
    String data;
    @Option(names = "--async", description = "Return an invocation id at once instead of waiting.")
    boolean async;

    @Override
    public Integer call() {
        return options.call((api, out) -> {
            byte[] payload = payload(data);
            String path = "/v1/functions/" + Client.path(name) + "/invocations" + (async ? "?async=true" : "");
            ApiClient.Response r = api.post(path, payload);
            if (async) {
                out.println(options.json() ? r.text() : r.json().path("id").asText());
                return;
            }
            if (options.json()) {
                ObjectNode o = ApiClient.JSON.createObjectNode();
                o.put("function", name);
                o.put("start", r.header("X-Forewarm-Start"));
                o.put("exit", r.header("X-Forewarm-Exit"));
                o.put("queueMs", Long.parseLong(r.header("X-Forewarm-Queue-Ms")));
                o.put("initMs", Long.parseLong(r.header("X-Forewarm-Init-Ms")));
                o.put("runMs", Long.parseLong(r.header("X-Forewarm-Run-Ms")));
                o.put("output", new String(r.body(), StandardCharsets.UTF_8));
                o.put("outputBase64", Base64.getEncoder().encodeToString(r.body()));
                out.println(o);
            } else {
                out.println(r.text());
                options.err().printf("%s start: queue %s ms, init %s ms, run %s ms%n",
                        r.header("X-Forewarm-Start"), r.header("X-Forewarm-Queue-Ms"),
                        r.header("X-Forewarm-Init-Ms"), r.header("X-Forewarm-Run-Ms"));
            }
        });
    }

    /** The payload {@code --data} names: literal text, {@code @file}, or {@code @-} for stdin. */
    static byte[] payload(String data) throws IOException {
        if (data == null) {
            return new byte[0];
        }
        if (data.equals("@-")) {
            return System.in.readAllBytes();
        }
        if (data.startsWith("@")) {
            Path file = Path.of(data.substring(1));
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("--data " + data + ": no such file");
            }
            return Files.readAllBytes(file);
        }
        return data.getBytes(StandardCharsets.UTF_8);
    }
}
