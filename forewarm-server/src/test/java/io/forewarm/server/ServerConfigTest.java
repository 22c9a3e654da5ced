package io.forewarm.server;

import io.forewarm.sandbox.SandboxConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Configuration: the shipped sample equals the code, precedence, and failures that name key and value. */
class ServerConfigTest {

    private static final Path SAMPLE = Path.of("../forewarm.properties");

    @Test
    void theShippedSampleEqualsTheCodesDefaultsAndListsEveryKey() {
        assertThat(ServerConfig.load(SAMPLE, Map.of(), Map.of())).isEqualTo(ServerConfig.defaults());
        assertThat(ServerConfig.readFile(SAMPLE).keySet())
                .containsExactlyInAnyOrderElementsOf(ServerConfig.KEYS.stream().map(ServerConfig.Key::name).toList());
        ServerConfig.KEYS.forEach(k -> assertThat(ServerConfig.readFile(SAMPLE).get(k.name()))
                .as(k.name()).isEqualTo(k.defaultValue()));
    }

    @Test
    void theDocumentationTableHasEveryKeyWithItsDefault() throws Exception {
        String doc = Files.readString(Path.of("../docs/configuration.md"));
        for (ServerConfig.Key<?> k : ServerConfig.KEYS) {
            String cell = k.defaultValue().isEmpty() ? "*(empty)*" : "`" + k.defaultValue() + "`";
            assertThat(doc).as(k.name()).contains("| `" + k.name() + "` | " + cell + " |");
        }
    }

    @Test
    void defaultsAreWhatTheTableSays() {
        ServerConfig d = ServerConfig.defaults();
        assertThat(d.host()).isEqualTo("127.0.0.1");
        assertThat(d.loopback()).isTrue();
        assertThat(d.port()).isEqualTo(8080);
        assertThat(d.maxPayloadBytes()).isEqualTo(6L << 20);
        assertThat(d.queueDeadline()).isEqualTo(Duration.ofSeconds(10));
        assertThat(d.backend()).isEqualTo(SandboxConfig.Backend.AUTO);
        assertThat(d.historyFile()).isEqualTo(Path.of(".forewarm/history.duckdb"));
        assertThat(d.engineConfig().capacity().cpuCores()).isPositive();
    }

    @Test
    void flagsBeatTheEnvironmentWhichBeatsTheFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("f.properties");
        Files.writeString(file, "server.port=1000\nengine.tick=5s\nserver.max-payload=1MB\n");
        ServerConfig c = ServerConfig.load(file, Map.of("FOREWARM_SERVER_PORT", "2000",
                "FOREWARM_ENGINE_TICK", "7s", "UNRELATED", "x"), Map.of("server.port", "3000"));
        assertThat(c.port()).isEqualTo(3000);
        assertThat(c.tick()).isEqualTo(Duration.ofSeconds(7));
        assertThat(c.maxPayloadBytes()).isEqualTo(1L << 20);
        assertThat(c.historyFile()).isEqualTo(Path.of(".forewarm/history.duckdb"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "server.port|eighty|not a number",
        "server.port|70000|0..65535",
        "server.max-payload|6 parsecs|expected a size",
        "engine.cpu|-1|must be > 0",
        "engine.queue-deadline|10|expected a duration",
        "engine.default-policy|psychic|unknown policy",
        "sandbox.backend|docker|expected auto, cgroup-v2",
        "sandbox.scratch|relative/dir|absolute",
        "sandbox.namespaces|yes|true or false",
        "history.url|jdbc:mysql://db/forewarm|must start with jdbc:postgresql:",
        "history.schema|Forewarm-1|lower-case letters"})
    void aBadValueFailsNamingKeyValueAndSource(String key, String value, String why) {
        assertThatThrownBy(() -> ServerConfig.load(null, Map.of(), Map.of(key, value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + key + "'").hasMessageContaining("'" + value + "'")
                .hasMessageContaining("command line").hasMessageContaining(why);
    }

    @Test
    void aHistoryUrlPutsHistoryInPostgresqlWithTheLoginAndSchemaGiven() {
        assertThat(ServerConfig.defaults().historyDatabase()).as("DuckDB by default").isNull();
        ServerConfig c = ServerConfig.load(null, Map.of("FOREWARM_HISTORY_PASSWORD", "s3cret"),
                Map.of("history.url", "jdbc:postgresql://db.internal:5433/fleet", "history.user", "forewarm",
                        "history.schema", "eu_west"));
        assertThat(c.historyDatabase()).isEqualTo(new io.forewarm.history.PostgresTarget(
                "jdbc:postgresql://db.internal:5433/fleet", "forewarm", "s3cret", "eu_west"));
        assertThat(c.historyOptions().file()).as("no DuckDB file beside it").isNull();
        assertThat(c.historyWhere()).isEqualTo("jdbc:postgresql://db.internal:5433/fleet schema eu_west")
                .doesNotContain("s3cret");
    }

    @Test
    void aBadEnvironmentValueNamesTheVariable() {
        assertThatThrownBy(() -> ServerConfig.load(null, Map.of("FOREWARM_SERVER_PORT", "eighty"), Map.of()))
                .hasMessageContaining("environment FOREWARM_SERVER_PORT").hasMessageContaining("'eighty'");
    }

    @Test
    void anUnknownKeyFailsNamingItAndItsFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("f.properties");
        Files.writeString(file, "server.prot=80\n");
        assertThatThrownBy(() -> ServerConfig.load(file, Map.of(), Map.of()))
                .hasMessageContaining("unknown configuration key 'server.prot'").hasMessageContaining(file.toString());
    }

    @Test
    void unitsRoundTrip() {
        assertThat(Units.bytes("6MB")).isEqualTo(6L << 20);
        assertThat(Units.bytes(6L << 20)).isEqualTo("6MB");
        assertThat(Units.bytes(1000)).isEqualTo("1000");
        assertThat(Units.duration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Units.duration(Duration.ofMinutes(90))).isEqualTo("90m");
        assertThat(Units.duration(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThatThrownBy(() -> Units.bytes("99999999999999TB")).hasMessageContaining("too large");
    }
}
