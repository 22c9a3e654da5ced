package io.forewarm.server;

import io.forewarm.history.HistoryException;
import io.forewarm.history.PostgresTarget;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** history.url picks the PostgreSQL store at start, and a database that is not there stops the start. */
class HistorySelectionTest {

    private static final String URL = System.getenv("FOREWARM_TEST_POSTGRES_URL");

    @Test
    void aHistoryUrlNobodyAnswersFailsTheStartNamingKeyAndValue() {
        assertThatThrownBy(() -> new TestServer(Map.of("history.url", "jdbc:postgresql://127.0.0.1:1/forewarm")))
                .isInstanceOf(HistoryException.class)
                .hasMessageStartingWith("history.url=jdbc:postgresql://127.0.0.1:1/forewarm: cannot connect: ");
    }

    @Test
    void aServerWithAHistoryUrlKeepsItsHistoryInThatSchema() throws Exception {
        Assumptions.assumeTrue(URL != null && !URL.isBlank(), "FOREWARM_TEST_POSTGRES_URL is not set: run .ci/run"
                + " (it starts PostgreSQL 15 and creates the test database) or set it to a jdbc:postgresql:// URL");
        String schema = "s_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        PostgresTarget target = PostgresTarget.of(URL).withSchema(schema);
        try {
            try (TestServer server = new TestServer(Map.of("history.url", URL, "history.schema", schema))) {
                assertThat(server.server.config().historyWhere()).endsWith("schema " + schema);
                try (Connection c = java.sql.DriverManager.getConnection(URL); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT count(*) FROM information_schema.tables"
                             + " WHERE table_schema = '" + schema + "'")) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("history tables in " + target).isEqualTo(5);
                }
            }
        } finally {
            try (Connection c = java.sql.DriverManager.getConnection(URL); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }
}
