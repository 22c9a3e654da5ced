package io.forewarm.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * One connection's prepared statements, each prepared once: preparing plans the statement, which costs more
 * than running it (DuckDB: about 0.4 ms against 0.2 ms for a one-row UPDATE), and the writer runs the same
 * few statements for every batch. Not thread-safe: whoever owns the connection guards it.
 */
final class StatementCache {

    private final Connection conn;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    StatementCache(Connection conn) {
        this.conn = conn;
    }

    /** The statement for {@code sql}, prepared on first use; its parameters are whatever the last use set. */
    PreparedStatement prepared(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = conn.prepareStatement(sql);
            statements.put(sql, ps);
        }
        return ps;
    }

    /** Forgets every statement without closing it: for a lost connection, whose closing closes them. */
    void clear() {
        statements.clear();
    }

    /** Closes every statement, logging rather than throwing. */
    void closeAll() {
        statements.values().forEach(JdbcHistoryStore::closeQuietly);
        statements.clear();
    }
}
