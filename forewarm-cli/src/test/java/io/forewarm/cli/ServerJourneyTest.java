package io.forewarm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.forewarm.examples.Echo;
import io.forewarm.examples.Launchers;
import io.forewarm.server.ForewarmServer;
import io.forewarm.server.ServerConfig;
import io.forewarm.server.SpecCodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A full journey through the CLI against a running server: deploy, list, invoke, status, export, remove. */
class ServerJourneyTest {

    private static ForewarmServer server;
    private static String url;

    @BeforeAll
    static void start() {
        server = ForewarmServer.start(ServerConfig.load(null, Map.of(), Map.of("server.port", "0",
                "server.token", "journey-token", "engine.cpu", "2", "engine.memory", "2GB",
                "engine.default-policy", "fixed:10", "sandbox.cgroup-parent", "forewarm-cli-test",
                "sandbox.scratch", "/var/tmp/forewarm-cli-test-scratch", "history.file", "memory",
                "history.functions-file", "none")));
        url = server.uri().toString();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static CliRun cli(String... args) {
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--server";
        all[args.length + 1] = url;
        all[args.length + 2] = "--token";
        all[args.length + 3] = "journey-token";
        return CliRun.of(all);
    }

    @Test
    void deployInvokeInspectExportAndRemove(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("echo.yaml");
        new ObjectMapper(new YAMLFactory()).writeValue(spec.toFile(),
                SpecCodec.write(Launchers.java("journey", Echo.class).build()));

        CliRun deployed = cli("fn", "deploy", spec.toString());
        assertThat(deployed.exitCode()).as(deployed.err()).isZero();
        assertThat(deployed.out()).contains("created journey: version 1, policy fixed:10");

        CliRun list = cli("fn", "list");
        assertThat(list.out()).contains("NAME").containsPattern("journey\\s+worker\\s+fixed:10\\s+1\\s+8");
        JsonNode listed = new ObjectMapper().readTree(cli("fn", "list", "--output", "json").out());
        assertThat(listed.at("/functions/0/name").asText()).isEqualTo("journey");

        Path payload = dir.resolve("payload.bin");
        Files.writeString(payload, "from a file");
        CliRun first = cli("invoke", "journey", "--data", "@" + payload);
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).isEqualTo("from a file" + System.lineSeparator());
        assertThat(first.err()).startsWith("cold start: queue ");

        JsonNode warm = new ObjectMapper().readTree(cli("invoke", "journey", "--data", "hi", "--output", "json").out());
        assertThat(warm.get("start").asText()).isEqualTo("warm");
        assertThat(warm.get("output").asText()).isEqualTo("hi");
        assertThat(warm.get("initMs").asLong()).isZero();

        CliRun status = cli("status");
        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out()).contains("isolation: ").containsPattern("journey\\s+fixed:10\\s+1\\s+0\\s+0\\s+0\\s+2\\s+50.0%");
        JsonNode statusJson = new ObjectMapper().readTree(cli("status", "--output", "json").out());
        assertThat(statusJson.at("/stats/functions/0/invocations").asLong()).isEqualTo(2);

        Path csv = dir.resolve("history.csv");
        CliRun export = cli("history", "export", "--out", csv.toString());
        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(export.err()).contains("wrote 2 records");
        assertThat(Files.readAllLines(csv)).hasSize(3).first()
                .isEqualTo(io.forewarm.history.TraceCsvExport.HEADER);
        CliRun replay = CliRun.of("simulate", "--trace", csv.toString(), "--trace-format", "csv", "--unit", "function",
                "--policy", "fixed:10", "--output", "csv");
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        assertThat(replay.out().lines().skip(1).findFirst().orElseThrow()).startsWith("fixed:10,paper,function,1,");
        assertThat(cli("fn", "rm", "journey").out()).contains("removed journey");
        CliRun gone = cli("invoke", "journey");
        assertThat(gone.exitCode()).isEqualTo(ApiClient.NOT_FOUND);
        assertThat(gone.err()).contains("unknown function 'journey'");
    }

    @Test
    void failuresMapToTheirExitCodes(@TempDir Path dir) throws Exception {
        CliRun noToken = CliRun.of("fn", "list", "--server", url);
        assertThat(noToken.exitCode()).isEqualTo(ApiClient.FAILED);
        assertThat(noToken.err()).contains("401 unauthorized");

        CliRun unreachable = CliRun.of("status", "--server", "http://127.0.0.1:1");
        assertThat(unreachable.exitCode()).isEqualTo(ApiClient.UNREACHABLE);
        assertThat(unreachable.err()).contains("cannot reach the server");

        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\n  \"name\": \"x\",\n  \"argv\": [1,\n");
        CliRun malformed = cli("fn", "deploy", bad.toString());
        assertThat(malformed.exitCode()).isEqualTo(Main.BAD_INPUT);
        assertThat(malformed.err()).contains(bad + ":4:");

        Path refused = dir.resolve("refused.json");
        Files.writeString(refused, "{\"name\": \"refused\", \"argv\": [\"true\"], \"timeout\": \"soon\"}");
        CliRun r = cli("fn", "deploy", refused.toString());
        assertThat(r.exitCode()).isEqualTo(ApiClient.FAILED);
        assertThat(r.err()).contains("timeout").contains("soon").contains("400 bad_request");

        assertThat(cli("fn", "list", "--output", "yaml").exitCode()).isEqualTo(Main.BAD_INPUT);
        assertThat(cli("invoke", "x", "--data", "@" + dir.resolve("missing")).err()).contains("no such file");
    }

    @Test
    void serveRefusesBadConfigurationNamingKeyValueAndSource(@TempDir Path dir) throws Exception {
        CliRun badPort = CliRun.of("serve", "--port", "eighty");
        assertThat(badPort.exitCode()).isEqualTo(Main.BAD_INPUT);
        assertThat(badPort.err()).contains("'server.port'").contains("'eighty'").contains("command line");
        CliRun badKey = CliRun.of("serve", "--set", "engine.colour=red");
        assertThat(badKey.exitCode()).isEqualTo(Main.BAD_INPUT);
        assertThat(badKey.err()).contains("unknown configuration key 'engine.colour'");
        Path file = dir.resolve("f.properties");
        Files.writeString(file, "engine.queue-deadline=forever\n");
        CliRun badFile = CliRun.of("serve", "--config", file.toString());
        assertThat(badFile.exitCode()).isEqualTo(Main.BAD_INPUT);
        assertThat(badFile.err()).contains("'engine.queue-deadline'").contains("file " + file);
        assertThat(CliRun.of("serve", "--config", dir.resolve("missing").toString()).err()).contains("no such file");
    }

    @Test
    void theDemoDrivesItsWorkloadThroughTheApi() throws Exception {
        StringWriter text = new StringWriter();
        Demo demo = new Demo(new ApiClient(server.uri(), "journey-token"), new PrintWriter(text, true),
                Duration.ofSeconds(4));
        demo.run();
        String out = text.toString();
        int events = Demo.timeline(Duration.ofSeconds(4)).size();
        assertThat(out.lines().filter(l -> l.matches("\\s+\\d+\\.\\ds  \\S+\\s+(cold|warm) .* so far: .*"))).hasSize(events);
        assertThat(out).containsPattern("all\\s+\\d+ .* ms\\s+\\d+ .* ms   \\(means; failures: 0\\)");
        for (String f : new String[] {"timer", "bursty", "rare"}) {
            assertThat(out).containsPattern(f + "\\s+(cold|warm)");
            cli("fn", "rm", f);
        }
    }

    @Test
    void theTimelineHasATimerABurstyAndARareFunctionWithinItsLength() {
        var t = Demo.timeline(Duration.ofSeconds(60));
        assertThat(t).hasSize(12 + 15 + 2);
        assertThat(t).allSatisfy(e -> assertThat(e.atMillis()).isBetween(0L, 60_000L));
        assertThat(t.stream().filter(e -> e.function().equals("bursty")).map(Demo.Event::atMillis).distinct())
                .containsExactly(6_000L, 27_000L, 48_000L);
        assertThat(t).isSortedAccordingTo(java.util.Comparator.comparingLong(Demo.Event::atMillis));
    }
}
