package io.forewarm.history;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Where a {@link PostgresHistoryStore} keeps its tables: a server and database (a {@code jdbc:postgresql:} URL),
 * the role to log in as, and the schema the tables live in. Several services share one database by giving
 * each its own schema.
 *
 * @param url      the JDBC URL, {@code jdbc:postgresql://host[:port]/database[?parameters]}
 * @param user     the role to connect as ("": whatever the URL or the driver's defaults say)
 * @param password its password ("": none, or the URL's)
 * @param schema   the schema of the tables, created when missing: lower-case letters, digits and underscores
 */
public record PostgresTarget(String url, String user, String password, String schema) {

    /** The schema a store uses unless told otherwise. */
    public static final String DEFAULT_SCHEMA = "forewarm";

    private static final String PREFIX = "jdbc:postgresql:";
    // A plain identifier needs no quoting anywhere it is spliced into SQL.
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    /** Validates the URL's scheme and the schema name, naming the one that is wrong. */
    public PostgresTarget {
        Objects.requireNonNull(url, "history url");
        Objects.requireNonNull(user, "history user");
        Objects.requireNonNull(password, "history password");
        Objects.requireNonNull(schema, "history schema");
        if (!url.startsWith(PREFIX)) {
            throw new IllegalArgumentException("history url must start with " + PREFIX + ", got '" + redact(url)
                    + "'");
        }
        requireSchemaName(schema);
    }

    /** {@code name} if it is a plain schema name: 1-63 lower-case letters, digits or underscores, no leading digit. */
    public static String requireSchemaName(String name) {
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("history schema must be 1-63 lower-case letters, digits or"
                    + " underscores, not starting with a digit; got '" + name + "'");
        }
        return name;
    }

    /** {@code url} with the default schema, the role and password taken from the URL. */
    public static PostgresTarget of(String url) {
        return new PostgresTarget(url, "", "", DEFAULT_SCHEMA);
    }

    /** This target with the tables in {@code name}. */
    public PostgresTarget withSchema(String name) {
        return new PostgresTarget(url, user, password, name);
    }

    /** This target logging in as {@code role} with {@code secret}. */
    public PostgresTarget withLogin(String role, String secret) {
        return new PostgresTarget(url, role, secret, schema);
    }

    /** The URL without its parameters, which may hold a password: what messages show. */
    public String safeUrl() {
        return redact(url);
    }

    /** Opens a connection; the caller turns a failure into a message naming the URL. */
    Connection connect() throws SQLException {
        Properties p = new Properties();
        if (!user.isEmpty()) {
            p.setProperty("user", user);
        }
        if (!password.isEmpty()) {
            p.setProperty("password", password);
        }
        p.setProperty("ApplicationName", "forewarm-history");
        p.setProperty("defaultRowFetchSize", "10000");
        return DriverManager.getConnection(url, p);
    }

    private static String redact(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?...";
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return safeUrl() + " schema " + schema;
    }
}
