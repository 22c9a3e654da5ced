package io.forewarm.history;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The stores the contract tests run against. DuckDB always runs; PostgreSQL runs when
 * {@code FOREWARM_TEST_POSTGRES_URL} (set by {@code .ci/run}) names a reachable server, and is skipped saying
 * what to start otherwise. Each PostgreSQL test gets a schema of its own, dropped afterwards.
 */
enum Backend {
    DUCKDB,
    POSTGRES;

    /** The variable that names the test server, e.g. {@code jdbc:postgresql://localhost/forewarm_test?user=...}. */
    static final String URL_VARIABLE = "FOREWARM_TEST_POSTGRES_URL";

    private static final String URL = System.getenv(URL_VARIABLE);
    private static volatile String unreachable;

    /** Where one test's stores live: a directory for DuckDB, a fresh schema for PostgreSQL. */
    Place begin(Path dir) {
        if (this == DUCKDB) {
            return new Place(this, dir, null);
        }
        String why = postgresUnavailable();
        Assumptions.assumeTrue(why == null, () -> why);
        return new Place(this, dir, PostgresTarget.of(URL)
                .withSchema("t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16)));
    }

    /**
     * Where a benchmark's store lives: a fresh schema of the PostgreSQL database the system property
     * {@code history.url} names (as in the server's configuration), else a DuckDB file in {@code dir}.
     */
    static Place forBenchmark(Path dir) {
        String url = System.getProperty("history.url", "");
        return url.isEmpty() ? new Place(DUCKDB, dir, null)
                : new Place(POSTGRES, dir, PostgresTarget.of(url).withSchema("bench_" + ProcessHandle.current().pid()));
    }

    /** Null when the test server answers, else why not and what to start. */
    static String postgresUnavailable() {
        if (URL == null || URL.isBlank()) {
            return URL_VARIABLE + " is not set: run .ci/run (it starts PostgreSQL 15 and creates the test"
                    + " database), or start PostgreSQL and set it to a jdbc:postgresql:// URL with user and password";
        }
        if (unreachable == null) {
            try (Connection c = DriverManager.getConnection(URL)) {
                unreachable = "";
            } catch (SQLException e) {
                unreachable = "PostgreSQL at " + PostgresTarget.of(URL).safeUrl() + " is not reachable ("
                        + e.getMessage() + "): start it with `pg_ctlcluster 15 main start` or run .ci/run";
            }
        }
        return unreachable.isEmpty() ? null : unreachable;
    }

    /**
     * One test's database.
     *
     * @param backend which store
     * @param dir     the test's temporary directory
     * @param target  its PostgreSQL schema (null for DuckDB)
     */
    record Place(Backend backend, Path dir, PostgresTarget target) implements AutoCloseable {

        /** Options of a store that is gone when closed where the backend allows it (DuckDB: in memory). */
        HistoryOptions fresh() {
            return HistoryOptions.inMemory();
        }

        /** Options of a store that a later {@link #open} finds again. */
        HistoryOptions durable() {
            return backend == DUCKDB ? HistoryOptions.file(dir.resolve("history.duckdb")) : HistoryOptions.inMemory();
        }

        /** Opens this backend's store with {@code options}. */
        JdbcHistoryStore open(HistoryOptions options) {
            return backend == DUCKDB ? DuckDbHistoryStore.open(options) : PostgresHistoryStore.open(target, options);
        }

        /** Runs {@code sql} on the durable database while no store has it open. */
        void execute(String sql) throws SQLException {
            try (Connection c = backend == DUCKDB
                    ? DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("history.duckdb"))
                    : target.connect(); Statement s = c.createStatement()) {
                if (target != null) {
                    c.setSchema(target.schema());
                }
                s.execute(sql);
            }
        }

        /** A name for benchmark output. */
        String describe() {
            return backend == DUCKDB ? "DuckDB file" : "PostgreSQL " + target;
        }

        /** Drops the test's schema. */
        @Override
        public void close() throws SQLException {
            if (target != null) {
                try (Connection c = target.connect(); Statement s = c.createStatement()) {
                    s.execute("DROP SCHEMA IF EXISTS " + target.schema() + " CASCADE");
                }
            }
        }
    }
}
