package io.forewarm.server;

import io.forewarm.core.ResourceVector;
import io.forewarm.engine.EngineConfig;
import io.forewarm.history.HistoryOptions;
import io.forewarm.history.PostgresTarget;
import io.forewarm.predict.Policies;
import io.forewarm.sandbox.SandboxConfig;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Everything the server is configured with. Values come from, in rising precedence, the code's defaults (the
 * {@link #KEYS} table), one properties file, environment variables ({@code FOREWARM_SERVER_PORT} for
 * {@code server.port}) and command-line flags. Any bad value fails at start, naming its key, value and source;
 * an unknown key fails too, so a typo never passes silently. Keys are documented in docs/configuration.md.
 *
 * @param host            the address to bind to
 * @param port            the port (0: any free one)
 * @param token           the bearer token every API call must carry ("" : none; required off loopback)
 * @param maxPayloadBytes the largest request body accepted
 * @param asyncResults    how many finished asynchronous invocations are kept for polling
 * @param cpu             host cpu budget in cores (0: this machine's)
 * @param memoryBytes     host memory budget (0: this machine's)
 * @param queueCapacity   requests that may wait for capacity at once
 * @param queueDeadline   how long one waits
 * @param tick            the housekeeper's period
 * @param retrainInterval how often every model is refitted from recorded history (zero: never)
 * @param retrainHistory  how much recorded history a refit replays
 * @param defaultPolicy   policy spec of functions deployed without one
 * @param backend         sandbox backend
 * @param cgroupParent    the cgroup under which sandboxes get theirs
 * @param scratch         where sandboxes get their scratch directories
 * @param namespaces      whether workers get their own namespaces where privileged
 * @param historyFile     the DuckDB history file (null: in memory); unused when {@code historyDatabase} is set
 * @param historyDatabase the PostgreSQL database that holds history instead of DuckDB (null: DuckDB)
 * @param functionsFile   where deployed functions are kept across restarts (null: nowhere)
 * @param signalsFile     where registered signals are kept across restarts (null: nowhere)
 */
public record ServerConfig(String host, int port, String token, long maxPayloadBytes, int asyncResults, double cpu,
                           long memoryBytes, int queueCapacity, Duration queueDeadline, Duration tick,
                           Duration retrainInterval, Duration retrainHistory, String defaultPolicy,
                           SandboxConfig.Backend backend, String cgroupParent, Path scratch, boolean namespaces,
                           Path historyFile, PostgresTarget historyDatabase, Path functionsFile,
                           Path signalsFile) {

    /**
     * A configuration key: its name, default, how its value is parsed and what it means (the table
     * docs/configuration.md follows).
     *
     * @param <T> what its value parses to
     */
    public record Key<T>(String name, String defaultValue, Function<String, T> parser, String doc) {

        /** The environment variable that overrides it: {@code server.max-payload} is FOREWARM_SERVER_MAX_PAYLOAD. */
        public String envName() {
            return "FOREWARM_" + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
        }
    }

    private static final Key<String> HOST = new Key<>("server.host", "127.0.0.1", Parse::host,
            "address to bind; anything but loopback requires a token");
    private static final Key<Integer> PORT = new Key<>("server.port", "8080", v -> Parse.range(v, 0, 65_535),
            "port to listen on (0: any free port)");
    private static final Key<String> TOKEN = new Key<>("server.token", "", v -> v,
            "bearer token for every endpoint but /health/*; empty: none on loopback, generated and printed once"
                    + " elsewhere");
    private static final Key<Long> MAX_PAYLOAD = new Key<>("server.max-payload", "6MB",
            v -> Parse.positive(Units.bytes(v)), "largest request body; larger ones get 413");
    private static final Key<Integer> ASYNC_RESULTS = new Key<>("server.async-results", "10000",
            v -> Parse.positive(Integer.parseInt(v)), "finished asynchronous invocations kept for polling");
    private static final Key<Double> CPU = new Key<>("engine.cpu", "auto",
            v -> v.equals("auto") ? 0.0 : Parse.positive(Double.parseDouble(v)),
            "cpu cores sandboxes may take in total (auto: this machine's)");
    private static final Key<Long> MEMORY = new Key<>("engine.memory", "auto",
            v -> v.equals("auto") ? 0L : Parse.positive(Units.bytes(v)),
            "memory sandboxes may take in total, e.g. 4GB (auto: this machine's)");
    private static final Key<Integer> QUEUE_CAPACITY = new Key<>("engine.queue-capacity", "64",
            v -> Parse.range(v, 0, 1_000_000), "requests that may wait for capacity at once; more get 429");
    private static final Key<Duration> QUEUE_DEADLINE = new Key<>("engine.queue-deadline", "10s", Units::duration,
            "how long a request waits for capacity before 503");
    private static final Key<Duration> TICK = new Key<>("engine.tick", "1s", Units::duration,
            "how often the housekeeper plans pre-warming and releases");
    private static final Key<Duration> RETRAIN_INTERVAL = new Key<>("engine.retrain-interval", "6h",
            Units::duration, "how often every function's model is refitted from its recorded history (0s: never;"
                    + " auto still refits on drift)");
    private static final Key<Duration> RETRAIN_HISTORY = new Key<>("engine.retrain-history", "14d",
            v -> Parse.between(Units.duration(v), Duration.ofMinutes(1), Duration.ofDays(366)),
            "how much recorded history a refit replays, per minute (1m to 366d)");
    private static final Key<String> DEFAULT_POLICY = new Key<>("engine.default-policy", "auto", Parse::policy,
            "policy of functions deployed without one");
    private static final Key<SandboxConfig.Backend> BACKEND = new Key<>("sandbox.backend", "auto", Parse::backend,
            "auto, cgroup-v2, cgroup-v1 or process");
    private static final Key<String> CGROUP_PARENT = new Key<>("sandbox.cgroup-parent", "forewarm", v -> v,
            "cgroup under which each sandbox gets its own");
    private static final Key<Path> SCRATCH = new Key<>("sandbox.scratch", "/var/tmp/forewarm", Parse::absolute,
            "directory under which sandboxes get scratch space");
    private static final Key<Boolean> NAMESPACES = new Key<>("sandbox.namespaces", "true", Parse::bool,
            "give workers their own namespaces where privileged");
    private static final Key<Path> HISTORY_FILE = new Key<>("history.file", ".forewarm/history.duckdb",
            v -> v.equals("memory") ? null : Path.of(v),
            "DuckDB file of execution records (memory: keep none); unused when history.url is set");
    private static final Key<String> HISTORY_URL = new Key<>("history.url", "", Parse::postgresUrl,
            "PostgreSQL database of execution records instead of DuckDB, jdbc:postgresql://host[:port]/database"
                    + " (empty: DuckDB)");
    private static final Key<String> HISTORY_USER = new Key<>("history.user", "", v -> v,
            "role history.url logs in as (empty: the URL's user parameter or the driver's default)");
    private static final Key<String> HISTORY_PASSWORD = new Key<>("history.password", "", v -> v,
            "its password, best given as FOREWARM_HISTORY_PASSWORD (empty: none, or the URL's)");
    private static final Key<String> HISTORY_SCHEMA = new Key<>("history.schema", PostgresTarget.DEFAULT_SCHEMA,
            PostgresTarget::requireSchemaName,
            "schema of the history tables in history.url, created when missing; one server per schema");
    private static final Key<Path> FUNCTIONS_FILE = new Key<>("history.functions-file", ".forewarm/functions.json",
            v -> v.equals("none") ? null : Path.of(v),
            "deployed functions, redeployed at start (none: forgotten at stop)");
    private static final Key<Path> SIGNALS_FILE = new Key<>("history.signals-file", ".forewarm/signals.json",
            v -> v.equals("none") ? null : Path.of(v),
            "registered signals, registered again at start (none: forgotten at stop)");

    /** Every key, in file order, with its default. */
    public static final List<Key<?>> KEYS = List.of(HOST, PORT, TOKEN, MAX_PAYLOAD, ASYNC_RESULTS, CPU, MEMORY,
            QUEUE_CAPACITY, QUEUE_DEADLINE, TICK, RETRAIN_INTERVAL, RETRAIN_HISTORY, DEFAULT_POLICY, BACKEND,
            CGROUP_PARENT, SCRATCH, NAMESPACES, HISTORY_FILE, HISTORY_URL, HISTORY_USER, HISTORY_PASSWORD,
            HISTORY_SCHEMA, FUNCTIONS_FILE, SIGNALS_FILE);

    private static final Map<String, Key<?>> BY_NAME = index();

    /** Validates what the parsers cannot (host, port range, token when bound off loopback is generated later). */
    public ServerConfig {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("server.port must be 0..65535 but was " + port);
        }
    }

    /** The code's defaults. */
    public static ServerConfig defaults() {
        return parse(Map.of(), k -> "default");
    }

    /**
     * Merges the defaults with {@code file} (may be null), the environment and {@code flags} (key to value), in
     * that precedence, and parses the result; fails naming key, value and where it came from.
     */
    public static ServerConfig load(Path file, Map<String, String> env, Map<String, String> flags) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        if (file != null) {
            readFile(file).forEach((k, v) -> {
                values.put(k, v);
                sources.put(k, "file " + file);
            });
        }
        for (Key<?> k : KEYS) {
            String v = env.get(k.envName());
            if (v != null) {
                values.put(k.name(), v);
                sources.put(k.name(), "environment " + k.envName());
            }
        }
        flags.forEach((k, v) -> {
            values.put(k, v);
            sources.put(k, "command line");
        });
        return parse(values, k -> sources.getOrDefault(k, "default"));
    }

    /** Reads a properties file as key to value, in UTF-8. */
    public static Map<String, String> readFile(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read configuration file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> out = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k).strip()));
        return out;
    }

    /** Parses {@code values} over the defaults; {@code source} names where a key's value came from. */
    static ServerConfig parse(Map<String, String> values, Function<String, String> source) {
        for (String k : values.keySet()) {
            if (!BY_NAME.containsKey(k)) {
                throw new IllegalArgumentException("unknown configuration key '" + k + "' (from " + source.apply(k)
                        + "); known keys: " + String.join(", ", BY_NAME.keySet()));
            }
        }
        Values r = new Values(values, source);
        return new ServerConfig(r.get(HOST), r.get(PORT), r.get(TOKEN), r.get(MAX_PAYLOAD), r.get(ASYNC_RESULTS),
                r.get(CPU), r.get(MEMORY), r.get(QUEUE_CAPACITY), r.get(QUEUE_DEADLINE), r.get(TICK),
                r.get(RETRAIN_INTERVAL), r.get(RETRAIN_HISTORY), r.get(DEFAULT_POLICY), r.get(BACKEND),
                r.get(CGROUP_PARENT), r.get(SCRATCH), r.get(NAMESPACES), r.get(HISTORY_FILE), historyDatabase(r),
                r.get(FUNCTIONS_FILE), r.get(SIGNALS_FILE));
    }

    /** Whether the server binds to a loopback address only, where no token is required. */
    public boolean loopback() {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** This configuration with another port (tests bind to 0). */
    public ServerConfig withPort(int p) {
        return new ServerConfig(host, p, token, maxPayloadBytes, asyncResults, cpu, memoryBytes, queueCapacity,
                queueDeadline, tick, retrainInterval, retrainHistory, defaultPolicy, backend, cgroupParent, scratch,
                namespaces, historyFile, historyDatabase, functionsFile, signalsFile);
    }

    /** This configuration with another token. */
    public ServerConfig withToken(String t) {
        return new ServerConfig(host, port, t, maxPayloadBytes, asyncResults, cpu, memoryBytes, queueCapacity,
                queueDeadline, tick, retrainInterval, retrainHistory, defaultPolicy, backend, cgroupParent, scratch,
                namespaces, historyFile, historyDatabase, functionsFile, signalsFile);
    }

    /** The engine's configuration: this budget (or the machine's), queue and tick, engine defaults otherwise. */
    public EngineConfig engineConfig() {
        ResourceVector machine = EngineConfig.machine();
        ResourceVector capacity = ResourceVector.of(cpu > 0 ? cpu : machine.cpuCores(),
                memoryBytes > 0 ? memoryBytes : machine.memoryBytes());
        EngineConfig d = EngineConfig.defaults();
        return d.withCapacity(capacity).withQueue(queueCapacity, queueDeadline).withTiming(tick, d.sampleInterval())
                .withDefaultPolicy(defaultPolicy).withRetraining(retrainInterval, retrainHistory);
    }

    /** The sandbox backend's configuration. */
    public SandboxConfig sandboxConfig() {
        return SandboxConfig.defaults().withBackend(backend).withPlace(cgroupParent, scratch)
                .withNamespaces(namespaces, SandboxConfig.defaults().isolateNetwork());
    }

    /** How the history store is opened: batching and retention, and the DuckDB file unless PostgreSQL holds it. */
    public HistoryOptions historyOptions() {
        return historyFile == null || historyDatabase != null ? HistoryOptions.inMemory()
                : HistoryOptions.file(historyFile);
    }

    /** Where history lives, for messages: the DuckDB file, "in memory", or the PostgreSQL URL and schema. */
    public String historyWhere() {
        if (historyDatabase != null) {
            return historyDatabase.toString();
        }
        return historyFile == null ? "in memory" : historyFile.toString();
    }

    private static PostgresTarget historyDatabase(Values r) {
        // Every key is read, so a bad schema fails even while history.url is empty.
        PostgresTarget target = new PostgresTarget("jdbc:postgresql:", r.get(HISTORY_USER), r.get(HISTORY_PASSWORD),
                r.get(HISTORY_SCHEMA));
        String url = r.get(HISTORY_URL);
        return url.isEmpty() ? null : new PostgresTarget(url, target.user(), target.password(), target.schema());
    }

    private static Map<String, Key<?>> index() {
        Map<String, Key<?>> m = new LinkedHashMap<>();
        KEYS.forEach(k -> m.put(k.name(), k));
        return m;
    }

    /** Reads one key at a time, turning any parse failure into a message naming key, value and source. */
    private record Values(Map<String, String> values, Function<String, String> source) {

        <T> T get(Key<T> key) {
            String v = values.getOrDefault(key.name(), key.defaultValue()).strip();
            try {
                return key.parser().apply(v);
            } catch (RuntimeException e) {
                String why = e instanceof NumberFormatException ? "not a number" : e.getMessage();
                throw new IllegalArgumentException("configuration key '" + key.name() + "' has a bad value '" + v
                        + "' (from " + source.apply(key.name()) + "): " + why, e);
            }
        }
    }

    /** The keys' parsers beyond the JDK's: each fails saying what it expected. */
    private static final class Parse {

        private Parse() {
        }

        static <T extends Number> T positive(T n) {
            if (n.doubleValue() <= 0) {
                throw new IllegalArgumentException("must be > 0");
            }
            return n;
        }

        static int range(String v, int min, int max) {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw new IllegalArgumentException("must be " + min + ".." + max);
            }
            return n;
        }

        static Duration between(Duration d, Duration min, Duration max) {
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new IllegalArgumentException("must be " + Units.duration(min) + " to " + Units.duration(max));
            }
            return d;
        }

        static String postgresUrl(String v) {
            return v.isEmpty() ? v : PostgresTarget.of(v).url(); // fails saying which prefix it expected
        }

        static String host(String v) {
            if (v.isEmpty()) {
                throw new IllegalArgumentException("an address is required");
            }
            return v;
        }

        static String policy(String v) {
            Policies.create(v); // fails naming what is wrong with the spec
            return v;
        }

        static SandboxConfig.Backend backend(String v) {
            return switch (v) {
                case "auto" -> SandboxConfig.Backend.AUTO;
                case "cgroup-v2" -> SandboxConfig.Backend.CGROUP_V2;
                case "cgroup-v1" -> SandboxConfig.Backend.CGROUP_V1;
                case "process" -> SandboxConfig.Backend.PROCESS;
                default -> throw new IllegalArgumentException("expected auto, cgroup-v2, cgroup-v1 or process");
            };
        }

        static Path absolute(String v) {
            Path p = Path.of(v);
            if (!p.isAbsolute()) {
                throw new IllegalArgumentException("must be an absolute path");
            }
            return p;
        }

        static boolean bool(String v) {
            return switch (v) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new IllegalArgumentException("expected true or false");
            };
        }
    }
}
