package io.forewarm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.forewarm.core.FunctionSpec;
import io.forewarm.server.ForewarmServer;
import io.forewarm.server.ServerConfig;
import io.forewarm.server.SpecCodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code forewarm signal} against a running server: add, list, append events, remove, and its failures. */
class SignalCommandTest {

    private static ForewarmServer server;
    private static String url;

    @BeforeAll
    static void start() {
        server = ForewarmServer.start(ServerConfig.load(null, Map.of(), Map.of("server.port", "0",
                "engine.cpu", "2", "engine.memory", "2GB", "engine.default-policy", "seasonal",
                "sandbox.cgroup-parent", "forewarm-cli-signal-test",
                "sandbox.scratch", "/var/tmp/forewarm-cli-signal-test-scratch", "history.file", "memory",
                "history.functions-file", "none", "history.signals-file", "none")));
        url = server.uri().toString();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static CliRun cli(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--server";
        all[args.length + 1] = url;
        return CliRun.of(all);
    }

    @Test
    void addListFeedAndRemoveASignal(@TempDir Path dir) throws Exception {
        Path fn = dir.resolve("etl.json");
        Files.writeString(fn, SpecCodec.write(FunctionSpec.builder("etl", FunctionSpec.Kind.COMMAND,
                List.of("/bin/true")).build()).toString());
        assertThat(cli("fn", "deploy", fn.toString()).exitCode()).isZero();

        Path feed = dir.resolve("prices.yaml");
        new ObjectMapper(new YAMLFactory()).writeValue(feed.toFile(), Map.of("name", "prices", "kind", "feed",
                "functions", List.of("etl"), "lead", "2m", "spec", Map.of("period", "1h",
                        "arrivals", List.of("2026-01-01T00:00:00Z"))));
        CliRun added = cli("signal", "add", feed.toString());
        assertThat(added.exitCode()).as(added.err()).isZero();
        assertThat(added.out()).startsWith("added prices (feed): next ").contains(":00:00Z");

        CliRun list = cli("signal", "list");
        assertThat(list.out()).contains("NAME").containsPattern("prices\\s+feed\\s+2m\\s+\\S+:00:00Z\\s+etl");

        CliRun event = cli("signal", "event", "prices", "--at", "2026-01-01T01:00:00Z", "--output", "json");
        assertThat(event.exitCode()).as(event.err()).isZero();
        JsonNode updated = new ObjectMapper().readTree(event.out());
        assertThat(updated.at("/spec/arrivals")).hasSize(2);

        CliRun both = cli("signal", "event", "prices", "--at", "2026-01-01T02:00:00Z", "--level", "1");
        assertThat(both.exitCode()).isEqualTo(Main.BAD_INPUT);
        assertThat(both.err()).contains("not both");
        CliRun late = cli("signal", "event", "prices", "--at", "2025-01-01T00:00:00Z");
        assertThat(late.exitCode()).isEqualTo(ApiClient.FAILED);
        assertThat(late.err()).contains("before the last observed one");

        assertThat(cli("signal", "add", feed.toString()).err()).contains("signal 'prices' exists");
        assertThat(cli("signal", "rm", "prices").out()).contains("removed prices");
        CliRun gone = cli("signal", "rm", "prices");
        assertThat(gone.exitCode()).isEqualTo(ApiClient.NOT_FOUND);
        assertThat(gone.err()).contains("unknown signal 'prices'");
    }
}
