package dev.kith.storage.postgres;

import dev.kith.engine.BugException;
import dev.kith.engine.KithException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How to reach and use the PostgreSQL database, usually parsed from a connection URL with {@link #parse}:
 *
 * <pre>postgres://user:password@host:5432/database?sslmode=verify-full&amp;pool_size=10&amp;statement_timeout=30s</pre>
 *
 * <p>{@link #toString()} never shows the password.
 *
 * @param host the server's host name or address
 * @param port the server's port
 * @param database the database name
 * @param user the user name
 * @param password the password, or {@code null} for none (trust, peer or certificate authentication)
 * @param sslMode whether and how to use TLS to the server
 * @param sslRootCert a PEM file with the certificate authorities to trust, or {@code null} for the JDK's
 * @param poolSize the most connections this node opens (besides one for LISTEN)
 * @param statementTimeout the longest a statement may run before the server cancels it ({@link Duration#ZERO}
 *     for no limit)
 * @param connectTimeout the longest to wait for a new connection; calls fail with {@link
 *     KithException.StoreUnavailable} after it
 * @param applicationName shown in {@code pg_stat_activity}
 * @param autoMigrate whether opening the store applies pending schema migrations (otherwise it refuses a
 *     database that is not up to date)
 * @param gcWindow how long history (deleted relationships, old revisions) stays readable
 * @param gcInterval how often this node collects garbage ({@link Duration#ZERO} to never do it itself)
 */
public record PostgresOptions(
        String host,
        int port,
        String database,
        String user,
        String password,
        SslMode sslMode,
        String sslRootCert,
        int poolSize,
        Duration statementTimeout,
        Duration connectTimeout,
        String applicationName,
        boolean autoMigrate,
        Duration gcWindow,
        Duration gcInterval) {

    /** The default port of PostgreSQL. */
    public static final int DEFAULT_PORT = 5432;

    /** TLS to the server, with libpq's names and meanings. */
    public enum SslMode {
        /** Plain TCP. */
        DISABLE("disable"),
        /** TLS when the server offers it, without verifying its certificate; plain TCP otherwise. */
        PREFER("prefer"),
        /** TLS always, without verifying the server's certificate. */
        REQUIRE("require"),
        /** TLS always, with a certificate signed by a trusted authority. */
        VERIFY_CA("verify-ca"),
        /** TLS always, with a trusted certificate whose name matches the host. */
        VERIFY_FULL("verify-full");

        private final String urlName;

        SslMode(String urlName) {
            this.urlName = urlName;
        }

        /** The name in a connection URL ({@code sslmode=verify-full}). */
        public String urlName() {
            return urlName;
        }

        static SslMode fromUrlName(String name) {
            for (SslMode m : values()) {
                if (m.urlName.equals(name)) return m;
            }
            throw invalid("sslmode '" + name + "' is not one of disable, prefer, require, verify-ca, verify-full");
        }
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");

    /** How one URL parameter sets the builder; {@code name} is the parameter's, for error messages. */
    @FunctionalInterface
    private interface Parameter {
        void apply(Builder b, String name, String value);
    }

    /** Every URL parameter, in the order {@link #parse} applies them and its error message lists them. */
    private static final Map<String, Parameter> PARAMETERS = parameters();

    private static Map<String, Parameter> parameters() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        m.put("sslmode", (b, name, v) -> b.sslMode = SslMode.fromUrlName(v));
        m.put("sslrootcert", (b, name, v) -> b.sslRootCert = v);
        m.put("pool_size", (b, name, v) -> b.poolSize = integer(name, v));
        m.put("statement_timeout", (b, name, v) -> b.statementTimeout = duration(name, v, "ms"));
        m.put("connect_timeout", (b, name, v) -> b.connectTimeout = duration(name, v, "s"));
        m.put("application_name", (b, name, v) -> b.applicationName = v);
        m.put("auto_migrate", (b, name, v) -> b.autoMigrate = bool(name, v));
        m.put("gc_window", (b, name, v) -> b.gcWindow = duration(name, v, null));
        m.put("gc_interval", (b, name, v) -> b.gcInterval = duration(name, v, null));
        return Collections.unmodifiableMap(m);
    }

    public PostgresOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(sslMode, "sslMode");
        Objects.requireNonNull(statementTimeout, "statementTimeout");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(applicationName, "applicationName");
        Objects.requireNonNull(gcWindow, "gcWindow");
        Objects.requireNonNull(gcInterval, "gcInterval");
        if (host.isEmpty()) throw invalid("the host is empty");
        if (port < 1 || port > 65535) throw invalid("port " + port + " is not between 1 and 65535");
        if (database.isEmpty()) throw invalid("the database name is empty");
        if (user.isEmpty()) throw invalid("the user name is empty");
        if (poolSize < 1) throw invalid("pool_size must be at least 1, not " + poolSize);
        if (statementTimeout.isNegative()) throw invalid("statement_timeout must not be negative");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw invalid("connect_timeout must be positive");
        }
        if (gcWindow.isNegative()) throw invalid("gc_window must not be negative");
        if (gcInterval.isNegative()) throw invalid("gc_interval must not be negative");
        if (sslRootCert != null && sslMode != SslMode.VERIFY_CA && sslMode != SslMode.VERIFY_FULL) {
            throw invalid("sslrootcert needs sslmode=verify-ca or sslmode=verify-full");
        }
    }

    /** Options for {@code database} on {@code host} with every other setting at its default. */
    public static PostgresOptions of(String host, int port, String database, String user, String password) {
        return new Builder(host, port, database, user, password).build();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds {@link PostgresOptions}; starts from the defaults of {@link #of} or from existing options. */
    public static final class Builder {
        private String host;
        private int port;
        private String database;
        private String user;
        private String password;
        private SslMode sslMode = SslMode.PREFER;
        private String sslRootCert;
        private int poolSize = 10;
        private Duration statementTimeout = Duration.ofSeconds(30);
        private Duration connectTimeout = Duration.ofSeconds(5);
        private String applicationName = "kith";
        private boolean autoMigrate = true;
        private Duration gcWindow = Duration.ofHours(24);
        private Duration gcInterval = Duration.ofMinutes(5);

        Builder(String host, int port, String database, String user, String password) {
            this.host = host;
            this.port = port;
            this.database = database;
            this.user = user;
            this.password = password;
        }

        Builder(PostgresOptions o) {
            this(o.host, o.port, o.database, o.user, o.password);
            sslMode = o.sslMode;
            sslRootCert = o.sslRootCert;
            poolSize = o.poolSize;
            statementTimeout = o.statementTimeout;
            connectTimeout = o.connectTimeout;
            applicationName = o.applicationName;
            autoMigrate = o.autoMigrate;
            gcWindow = o.gcWindow;
            gcInterval = o.gcInterval;
        }

        public Builder address(String newHost, int newPort) {
            host = newHost;
            port = newPort;
            return this;
        }

        public Builder database(String v) {
            database = v;
            return this;
        }

        public Builder credentials(String newUser, String newPassword) {
            user = newUser;
            password = newPassword;
            return this;
        }

        public Builder ssl(SslMode mode, String rootCert) {
            sslMode = mode;
            sslRootCert = rootCert;
            return this;
        }

        public Builder poolSize(int v) {
            poolSize = v;
            return this;
        }

        public Builder timeouts(Duration statement, Duration connect) {
            statementTimeout = statement;
            connectTimeout = connect;
            return this;
        }

        public Builder applicationName(String v) {
            applicationName = v;
            return this;
        }

        public Builder autoMigrate(boolean v) {
            autoMigrate = v;
            return this;
        }

        public Builder gc(Duration window, Duration interval) {
            gcWindow = window;
            gcInterval = interval;
            return this;
        }

        /** The options; {@link KithException.InvalidArgument} if a setting is out of range. */
        public PostgresOptions build() {
            return new PostgresOptions(
                    host,
                    port,
                    database,
                    user,
                    password,
                    sslMode,
                    sslRootCert,
                    poolSize,
                    statementTimeout,
                    connectTimeout,
                    applicationName,
                    autoMigrate,
                    gcWindow,
                    gcInterval);
        }
    }

    /**
     * Parses {@code postgres://[user[:password]@]host[:port][/database][?param=value&…]} (also {@code
     * postgresql://}). User and password may be percent-encoded. The user defaults to {@code postgres}, the
     * database to the user name. Parameters: {@code sslmode} (disable, prefer (default), require, verify-ca,
     * verify-full), {@code sslrootcert} (PEM file), {@code pool_size} (default 10), {@code statement_timeout}
     * (default 30s; a plain number is milliseconds), {@code connect_timeout} (default 5s; a plain number is
     * seconds), {@code application_name} (default kith), {@code auto_migrate} (default true), {@code gc_window}
     * (default 24h) and {@code gc_interval} (default 5m; 0 turns this node's garbage collection off). Durations
     * take a unit: ms, s, m or h.
     *
     * @throws KithException.InvalidArgument naming what is wrong (never echoing the password)
     */
    public static PostgresOptions parse(String url) {
        if (url == null || url.isBlank()) throw invalid("the URL is empty");
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw invalid("'" + redactUrl(url) + "' is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme();
        if (!"postgres".equals(scheme) && !"postgresql".equals(scheme)) {
            throw invalid("the URL must start with postgres:// or postgresql://, not '"
                    + (scheme == null ? redactUrl(url) : scheme + "://") + "'");
        }
        if (uri.getRawAuthority() == null) throw invalid("the URL names no host");
        String host = uri.getHost();
        if (host == null) throw invalid("the URL's host is missing or malformed");
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
        String user = "postgres";
        String password = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = percentDecode(colon < 0 ? userInfo : userInfo.substring(0, colon), "user");
            if (colon >= 0) password = percentDecode(userInfo.substring(colon + 1), "password");
        }
        String path = uri.getRawPath();
        String database = path == null || path.isEmpty() || path.equals("/")
                ? user
                : percentDecode(path.substring(1), "database name");
        if (database.contains("/")) throw invalid("the database name '" + database + "' contains '/'");

        Builder b = new Builder(host, port, database, user, password);
        Map<String, String> params = queryParameters(uri.getRawQuery());
        for (Map.Entry<String, Parameter> p : PARAMETERS.entrySet()) {
            String value = params.remove(p.getKey());
            if (value != null) p.getValue().apply(b, p.getKey(), value);
        }
        if (!params.isEmpty()) {
            throw invalid("unknown parameter '" + params.keySet().iterator().next() + "' (known: "
                    + String.join(", ", PARAMETERS.keySet()) + ")");
        }
        return b.build();
    }

    /** A copy with another database name (the same server and settings). */
    public PostgresOptions withDatabase(String newDatabase) {
        return toBuilder().database(newDatabase).build();
    }

    /** A copy with another server address. */
    public PostgresOptions withAddress(String newHost, int newPort) {
        return toBuilder().address(newHost, newPort).build();
    }

    /** A copy with other timeouts. */
    public PostgresOptions withTimeouts(Duration newStatementTimeout, Duration newConnectTimeout) {
        return toBuilder().timeouts(newStatementTimeout, newConnectTimeout).build();
    }

    /** A copy with other garbage-collection settings. */
    public PostgresOptions withGc(Duration newGcWindow, Duration newGcInterval) {
        return toBuilder().gc(newGcWindow, newGcInterval).build();
    }

    /** A copy that does (or does not) migrate the database when the store opens. */
    public PostgresOptions withAutoMigrate(boolean newAutoMigrate) {
        return toBuilder().autoMigrate(newAutoMigrate).build();
    }

    /** The options as a URL that {@link #parse} reads back, with the password shown as {@code ***}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("postgres://").append(encode(user));
        if (password != null) b.append(":***");
        b.append('@')
                .append(host.contains(":") ? "[" + host + "]" : host)
                .append(':')
                .append(port)
                .append('/')
                .append(encode(database))
                .append("?sslmode=")
                .append(sslMode.urlName);
        if (sslRootCert != null) b.append("&sslrootcert=").append(encode(sslRootCert));
        b.append("&pool_size=")
                .append(poolSize)
                .append("&statement_timeout=")
                .append(statementTimeout.toMillis())
                .append("ms&connect_timeout=")
                .append(connectTimeout.toMillis())
                .append("ms&application_name=")
                .append(encode(applicationName))
                .append("&auto_migrate=")
                .append(autoMigrate)
                .append("&gc_window=")
                .append(gcWindow.toSeconds())
                .append("s&gc_interval=")
                .append(gcInterval.toSeconds())
                .append('s');
        return b.toString();
    }

    /**
     * {@code text} (a URL, or a message that may contain one) with any password replaced by {@code ***}, for
     * messages and logs: everything from the first {@code :} after {@code ://} to the last {@code @} goes, so a
     * password with {@code @}, {@code :} or {@code /} in it does not leak either (at worst more is hidden).
     */
    public static String redactUrl(String text) {
        int scheme = text.indexOf("://");
        if (scheme < 0) return text;
        int at = text.lastIndexOf('@');
        int colon = text.indexOf(':', scheme + 3);
        if (at < 0 || colon < 0 || colon > at) return text;
        return text.substring(0, colon) + ":***" + text.substring(at);
    }

    private static Map<String, String> queryParameters(String rawQuery) {
        Map<String, String> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) return params;
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            if (eq <= 0) throw invalid("parameter '" + pair + "' is not of the form name=value");
            String name = percentDecode(pair.substring(0, eq), "parameter name");
            String value = percentDecode(pair.substring(eq + 1), "parameter " + name);
            if (params.put(name, value) != null) throw invalid("parameter '" + name + "' is given twice");
        }
        return params;
    }

    private static int integer(String name, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw invalid(name + " '" + value + "' is not a whole number");
        }
    }

    private static boolean bool(String name, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw invalid(name + " '" + value + "' is not true or false");
        };
    }

    private static Duration duration(String name, String value, String defaultUnit) {
        Matcher m = DURATION.matcher(value);
        if (!m.matches()) throw invalid(name + " '" + value + "' is not a duration like 500ms, 30s, 5m or 24h");
        long amount;
        try {
            amount = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw invalid(name + " '" + value + "' is too large");
        }
        String unit = m.group(2) != null ? m.group(2) : defaultUnit;
        if (unit == null) {
            if (amount == 0) return Duration.ZERO;
            throw invalid(name + " '" + value + "' needs a unit: ms, s, m or h");
        }
        return switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> throw new BugException("duration unit " + unit + " passed the pattern");
        };
    }

    private static String percentDecode(String s, String what) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid("the " + what + " has a malformed %-escape");
        }
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static KithException.InvalidArgument invalid(String message) {
        return new KithException.InvalidArgument("datastore URL", message);
    }
}
