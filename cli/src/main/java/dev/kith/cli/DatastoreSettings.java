package dev.kith.cli;

import dev.kith.engine.KithException;
import dev.kith.storage.postgres.PostgresOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import picocli.CommandLine.Option;

/**
 * The PostgreSQL settings that {@code kith serve} and {@code kith migrate} take besides the {@code --datastore}
 * URL, as flags and {@code KITH_DATASTORE_*} variables. A flag overrides the URL's parameter; the password comes
 * from {@code KITH_DATASTORE_PASSWORD} or {@code --datastore-password-file} (never a flag, so that it stays out of
 * {@code ps}), and from at most one place. A bad value or a conflict is an {@link KithException.InvalidArgument}
 * naming the flag, never showing the password.
 */
final class DatastoreSettings {
    /** The environment variable with the database password. */
    static final String PASSWORD_VARIABLE = "KITH_DATASTORE_PASSWORD";

    @Option(
            names = "--datastore-pool-size",
            defaultValue = "${env:KITH_DATASTORE_POOL_SIZE}",
            description = "Most PostgreSQL connections per node, plus one for LISTEN (KITH_DATASTORE_POOL_SIZE;"
                    + " overrides the URL's pool_size; default 10).")
    Integer poolSize;

    @Option(
            names = "--datastore-statement-timeout",
            defaultValue = "${env:KITH_DATASTORE_STATEMENT_TIMEOUT}",
            converter = DurationConverter.class,
            description = "PostgreSQL cancels a longer statement; 0 for none (KITH_DATASTORE_STATEMENT_TIMEOUT;"
                    + " overrides the URL's statement_timeout; default 30s).")
    Duration statementTimeout;

    @Option(
            names = "--datastore-tls",
            defaultValue = "${env:KITH_DATASTORE_TLS}",
            description = "TLS to PostgreSQL: disable, prefer, require, verify-ca or verify-full (KITH_DATASTORE_TLS;"
                    + " overrides the URL's sslmode; default prefer).")
    String tls;

    @Option(
            names = "--datastore-tls-ca",
            defaultValue = "${env:KITH_DATASTORE_TLS_CA}",
            description = "PEM file of the authorities that sign PostgreSQL's certificate, for verify-ca and"
                    + " verify-full (KITH_DATASTORE_TLS_CA; overrides the URL's sslrootcert; default: the JDK's).")
    Path tlsCa;

    @Option(
            names = "--datastore-password-file",
            defaultValue = "${env:KITH_DATASTORE_PASSWORD_FILE}",
            description = "File whose first line is the PostgreSQL password (KITH_DATASTORE_PASSWORD_FILE); or set"
                    + " KITH_DATASTORE_PASSWORD. Keeps the password out of the URL and the process list.")
    Path passwordFile;

    /** Where variables are read; tests replace it. */
    UnaryOperator<String> environment = System::getenv;

    /**
     * The options of the {@code --datastore} URL {@code url} with these settings applied over its parameters.
     *
     * @throws KithException.InvalidArgument naming the URL or the flag that is wrong
     */
    PostgresOptions apply(String url) {
        PostgresOptions fromUrl = PostgresOptions.parse(url);
        PostgresOptions.Builder b = fromUrl.toBuilder();
        if (poolSize != null) {
            if (poolSize < 1) throw invalid("--datastore-pool-size", "must be at least 1, not " + poolSize);
            b.poolSize(poolSize);
        }
        if (statementTimeout != null) b.timeouts(statementTimeout, fromUrl.connectTimeout());
        PostgresOptions.SslMode mode = tls == null ? fromUrl.sslMode() : sslMode(tls);
        String ca = tlsCa == null ? fromUrl.sslRootCert() : readableFile(tlsCa);
        if (ca != null && mode != PostgresOptions.SslMode.VERIFY_CA && mode != PostgresOptions.SslMode.VERIFY_FULL) {
            throw invalid(
                    tlsCa != null ? "--datastore-tls-ca" : "--datastore-tls",
                    "a certificate authority file needs TLS mode verify-ca or verify-full, not " + mode.urlName());
        }
        b.ssl(mode, ca);
        String password = password(fromUrl.password() != null);
        if (password != null) b.credentials(fromUrl.user(), password);
        return b.build();
    }

    /** Whether any setting is given; they mean nothing to the in-memory store. */
    boolean anyGiven() {
        return poolSize != null
                || statementTimeout != null
                || tls != null
                || tlsCa != null
                || passwordFile != null
                || environment.apply(PASSWORD_VARIABLE) != null;
    }

    /** The password from the variable or the file, or null; {@code inUrl}: the URL already has one. */
    private String password(boolean inUrl) {
        String fromVariable = environment.apply(PASSWORD_VARIABLE);
        if (fromVariable != null && passwordFile != null) {
            throw invalid(
                    "--datastore-password-file",
                    "cannot be used together with " + PASSWORD_VARIABLE + "; give the password once");
        }
        String password;
        String source;
        if (passwordFile != null) {
            password = firstLine(passwordFile);
            source = "--datastore-password-file";
        } else if (fromVariable != null) {
            password = fromVariable;
            source = PASSWORD_VARIABLE;
        } else {
            return null;
        }
        if (inUrl) {
            throw invalid(source, "cannot be used with a --datastore URL that has a password; give the password once");
        }
        if (password.isEmpty()) throw invalid(source, "gives an empty password");
        return password;
    }

    private static String firstLine(Path file) {
        try {
            String text = Files.readString(file);
            int end = text.indexOf('\n');
            String line = end < 0 ? text : text.substring(0, end);
            return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        } catch (IOException e) {
            throw invalid(
                    "--datastore-password-file",
                    "cannot read " + file + ": " + e.getClass().getSimpleName());
        }
    }

    private static String readableFile(Path file) {
        if (!Files.isReadable(file)) throw invalid("--datastore-tls-ca", "cannot read " + file);
        return file.toString();
    }

    private static PostgresOptions.SslMode sslMode(String name) {
        for (PostgresOptions.SslMode m : PostgresOptions.SslMode.values()) {
            if (m.urlName().equals(name)) return m;
        }
        throw invalid(
                "--datastore-tls",
                "'" + name + "' is not one of "
                        + Arrays.stream(PostgresOptions.SslMode.values())
                                .map(PostgresOptions.SslMode::urlName)
                                .collect(Collectors.joining(", ")));
    }

    private static KithException.InvalidArgument invalid(String flag, String message) {
        return new KithException.InvalidArgument(Objects.requireNonNull(flag), message);
    }
}
