package io.forewarm.history;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What only the DuckDB store does: a database file. */
class DuckDbHistoryStoreTest {

    @TempDir
    Path dir;

    @Test
    void aFileInAMissingDirectoryFailsNamingIt() {
        assertThatThrownBy(() -> DuckDbHistoryStore.open(HistoryOptions.file(dir.resolve("missing/dir/h.duckdb"))))
                .isInstanceOf(HistoryException.class).hasMessageContaining("missing");
    }
}
