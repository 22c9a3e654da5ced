package io.forewarm.history;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static io.forewarm.history.Fixtures.T0;
import static io.forewarm.history.Fixtures.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What only the PostgreSQL store does: connect, name its URL when it cannot, keep one writer per schema, and tell a
 * lost connection from other failures ({@link PostgresReconnectTest} reconnects for real).
 */
class PostgresHistoryStoreTest {

    @Test
    void aServerThatIsNotThereFailsAtOpenNamingTheUrl() {
        // port 1: nothing listens there, so the driver is refused at once
        PostgresTarget target = PostgresTarget.of("jdbc:postgresql://127.0.0.1:1/forewarm?password=secret");
        assertThatThrownBy(() -> PostgresHistoryStore.open(target, HistoryOptions.inMemory()))
                .isInstanceOf(HistoryException.class)
                .hasMessageStartingWith("history.url=jdbc:postgresql://127.0.0.1:1/forewarm?...: cannot connect: ")
                .hasMessageContaining("refused")
                .hasMessageNotContaining("secret");
    }

    @Test
    void aUrlOfAnotherDatabaseOrABadSchemaNameIsRejectedNamingIt() {
        assertThatThrownBy(() -> PostgresTarget.of("jdbc:mysql://localhost/x"))
                .hasMessageContaining("jdbc:postgresql:").hasMessageContaining("jdbc:mysql://localhost/x");
        assertThatThrownBy(() -> PostgresTarget.of("jdbc:postgresql://localhost/x").withSchema("Drop; table"))
                .hasMessageContaining("schema").hasMessageContaining("'Drop; table'");
        assertThatThrownBy(() -> PostgresHistoryStore.open(PostgresTarget.of("jdbc:postgresql://localhost/x"),
                HistoryOptions.file(Path.of("h.duckdb")))).hasMessageContaining("DuckDB file h.duckdb");
        assertThat(PostgresTarget.of("jdbc:postgresql://h/db?user=u&password=p").withLogin("u", "p"))
                .hasToString("jdbc:postgresql://h/db?... schema forewarm");
    }

    @Test
    void aSecondStoreOnTheSameSchemaIsRefusedWhileTheFirstIsOpen() throws Exception {
        String why = Backend.postgresUnavailable();
        Assumptions.assumeTrue(why == null, () -> why);
        try (Backend.Place place = Backend.POSTGRES.begin(Path.of("unused"))) {
            try (HistoryStore first = place.open(place.durable())) {
                first.append(record("f", T0, 1));
                first.flush();
                assertThatThrownBy(() -> place.open(place.durable())).isInstanceOf(HistoryException.class)
                        .hasMessageContaining("another history store is writing schema " + place.target().schema());
            }
            try (HistoryStore again = place.open(place.durable())) {
                assertThat(again.latest(5)).containsExactly(record("f", T0, 1));
            }
        }
    }

    @Test
    void onlyConnectionClassAndServerEndedSessionStatesCountAsALostConnection() {
        assertThat(PostgresHistoryStore.lostConnection("08006")).isTrue();  // connection failure
        assertThat(PostgresHistoryStore.lostConnection("08003")).isTrue();  // connection does not exist
        assertThat(PostgresHistoryStore.lostConnection("08001")).isTrue();  // cannot connect (server down)
        assertThat(PostgresHistoryStore.lostConnection("57P01")).isTrue();  // terminated by an administrator
        assertThat(PostgresHistoryStore.lostConnection("57P03")).isTrue();  // server still starting
        assertThat(PostgresHistoryStore.lostConnection("57014")).isFalse(); // query canceled
        assertThat(PostgresHistoryStore.lostConnection("55P03")).isFalse(); // lock not available
        assertThat(PostgresHistoryStore.lostConnection("23514")).isFalse(); // check violation
    }
}
