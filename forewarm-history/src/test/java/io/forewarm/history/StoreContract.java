package io.forewarm.history;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.sql.SQLException;

/**
 * Runs a test class once per {@link Backend}: what a subclass pins holds for every history store. Tests open
 * stores with {@link #open} on {@link #fresh()} or {@link #durable()} options, never a store class directly.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
abstract class StoreContract {

    @Parameter
    Backend backend;

    @TempDir
    Path dir;

    private Backend.Place place;

    @BeforeEach
    final void beginPlace() {
        place = backend.begin(dir);
    }

    @AfterEach
    final void endPlace() throws SQLException {
        if (place != null) {
            place.close();
        }
    }

    /** Where this test's stores live. */
    final Backend.Place place() {
        return place;
    }

    /** Options of a store nothing else will open. */
    final HistoryOptions fresh() {
        return place.fresh();
    }

    /** Options of a store that reopening finds again. */
    final HistoryOptions durable() {
        return place.durable();
    }

    /** The backend's store opened with {@code options}. */
    final JdbcHistoryStore open(HistoryOptions options) {
        return place.open(options);
    }

    /** Runs {@code sql} on the durable database while no store has it open. */
    final void execute(String sql) throws SQLException {
        place.execute(sql);
    }
}
