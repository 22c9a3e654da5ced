package io.forewarm.history;

import io.forewarm.core.ExecutionRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.forewarm.history.Fixtures.T0;
import static io.forewarm.history.Fixtures.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The PostgreSQL store across lost connections: its sessions are ended from a second connection (as a server
 * restart or a dropped network would end them) and it must reconnect, losing nothing and writing nothing twice.
 * Only this test's store's sessions are ended: its URL gives them an application name of their own.
 */
class PostgresReconnectTest {

    private Backend.Place place;
    private PostgresTarget target;
    private Connection admin;

    @BeforeEach
    void begin() throws SQLException {
        place = Backend.POSTGRES.begin(Path.of("unused"));
        String url = place.target().url();
        target = PostgresTarget.of(url + (url.contains("?") ? "&" : "?") + "ApplicationName=" + place.target().schema())
                .withSchema(place.target().schema());
        admin = target.connect();
        admin.setSchema(target.schema());
    }

    @AfterEach
    void end() throws SQLException {
        if (admin != null) {
            admin.close();
        }
        if (place != null) { // null when begin() skipped the test: no PostgreSQL to test against
            place.close();
        }
    }

    /** Ends the store's sessions, as a server restart would; returns how many there were. */
    private int dropStoreSessions() throws SQLException {
        return (int) query("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '"
                + target.schema() + "' AND pid <> pg_backend_pid()");
    }

    private long query(String sql) throws SQLException {
        try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<ExecutionRecord> records(String function, int from, int count) {
        List<ExecutionRecord> out = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            out.add(record(function, T0.plusSeconds(i), 10 + i));
        }
        return out;
    }

    /** Every record exactly once, and the rollups count and sum the same records. */
    private static void assertHolds(HistoryStore store, String function, List<ExecutionRecord> expected) {
        assertThat(store.records(function, Instant.MIN, Instant.MAX)).containsExactlyInAnyOrderElementsOf(expected);
        List<MinuteRollup> rollups = store.rollups(function, Instant.MIN, Instant.MAX);
        assertThat(rollups.stream().mapToLong(MinuteRollup::invocations).sum()).isEqualTo(expected.size());
        assertThat(rollups.stream().mapToLong(MinuteRollup::runMillisSum).sum())
                .isEqualTo(expected.stream().mapToLong(ExecutionRecord::runMillis).sum());
    }

    @Test
    void droppedSessionsBetweenAppendsLoseNothingAndWriteNothingTwice() throws SQLException {
        List<ExecutionRecord> f = new ArrayList<>();
        List<ExecutionRecord> g = new ArrayList<>();
        try (HistoryStore store = PostgresHistoryStore.open(target, HistoryOptions.inMemory().withBatchSize(50)
                .withBufferCapacity(100))) { // a small buffer: appends during the outage block, none is dropped
            f.addAll(records("f", 0, 120));
            f.forEach(store::append);
            store.flush();
            assertThat(dropStoreSessions()).isEqualTo(2); // the writer and the reader

            // The reader reopens for this query; the writer finds out at its next write.
            assertThat(store.latest("f", 1)).hasSize(1);
            g.addAll(records("g", 0, 70));
            g.forEach(store::append);
            List<ExecutionRecord> more = records("f", 120, 80);
            f.addAll(more);
            more.forEach(store::append);
            store.flush();
            assertHolds(store, "f", f);
            assertHolds(store, "g", g);

            // Lost again while records are still buffered and being written: they wait for the new connection.
            List<ExecutionRecord> last = records("g", 70, 300);
            g.addAll(last);
            last.subList(0, 150).forEach(store::append);
            dropStoreSessions();
            last.subList(150, 300).forEach(store::append);
            store.flush();
            assertHolds(store, "f", f);
            assertHolds(store, "g", g);
            assertThat(store.functions()).containsExactly("f", "g");
        }
        assertThat(query("SELECT count(*) FROM executions")).isEqualTo(f.size() + g.size());
        assertThat(query("SELECT count(DISTINCT seq) FROM executions")).isEqualTo(f.size() + g.size());
    }

    @Test
    void aSessionEndedBetweenABatchsCommitAndItsRollupIsRolledUpOnceAfterReconnecting() throws SQLException {
        List<ExecutionRecord> f = records("f", 0, 90);
        try (HistoryStore store = PostgresHistoryStore.open(target, HistoryOptions.inMemory())) {
            // The first rollup's transaction ends its own session, after the batch's COPY committed; the
            // sequence counts the attempts outside any transaction, so the one after the reconnect goes through.
            try (Statement s = admin.createStatement()) {
                s.execute("CREATE SEQUENCE rollup_attempts");
                s.execute("""
                        CREATE FUNCTION end_first_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
                        BEGIN
                          IF nextval('rollup_attempts') = 1 THEN
                            PERFORM pg_terminate_backend(pg_backend_pid());
                          END IF;
                          RETURN NEW;
                        END $$""");
                s.execute("CREATE TRIGGER end_first_rollup BEFORE UPDATE ON rollup_watermark"
                        + " FOR EACH ROW EXECUTE FUNCTION end_first_rollup()");
            }
            f.forEach(store::append);
            store.flush();
            assertThat(query("SELECT last_value FROM rollup_attempts")).isGreaterThanOrEqualTo(2);
            assertHolds(store, "f", f);
            assertThat(query("SELECT next_seq FROM rollup_watermark")).isEqualTo(f.size());
        }
    }

    @Test
    void aSchemaTakenByAnotherStoreWhileDisconnectedStopsTheStore() throws SQLException {
        HistoryStore store = PostgresHistoryStore.open(target, HistoryOptions.inMemory());
        try {
            store.append(record("f", T0, 1));
            store.flush();
            assertThat(dropStoreSessions()).isEqualTo(2);
            // Waits until the ended writer session has let go of the lock, then holds it as another store would.
            query("SELECT count(*) FROM pg_advisory_lock(hashtext('forewarm-history'), hashtext('"
                    + target.schema() + "'))");
            store.append(record("f", T0.plusSeconds(1), 2));
            assertThatThrownBy(store::flush).isInstanceOf(HistoryException.class)
                    .hasMessageContaining("another history store is writing schema " + target.schema());
            assertThatThrownBy(() -> store.append(record("f", T0.plusSeconds(2), 3)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("stopped after a failed write");
            assertThatThrownBy(store::close).isInstanceOf(HistoryException.class);
        } finally {
            store.close(); // a second close does nothing; this one only matters when an assertion above failed
        }
    }

    @Test
    void aFailedWriteThatIsNotALostConnectionStillStopsTheStore() throws SQLException {
        try (Statement s = admin.createStatement()) {
            // Tables are the store's to create: make them now, then one constraint its rows break.
            PostgresHistoryStore.open(target, HistoryOptions.inMemory()).close();
            s.execute("ALTER TABLE executions ADD CONSTRAINT short_runs CHECK (run_ms < 1000)");
        }
        HistoryStore store = PostgresHistoryStore.open(target, HistoryOptions.inMemory());
        try {
            store.append(record("f", T0, 5000));
            assertThatThrownBy(store::flush).isInstanceOf(HistoryException.class).hasMessageContaining("short_runs");
            assertThatThrownBy(() -> store.append(record("f", T0, 1)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("stopped after a failed write");
            assertThatThrownBy(store::close).isInstanceOf(HistoryException.class);
        } finally {
            store.close();
        }
    }
}
