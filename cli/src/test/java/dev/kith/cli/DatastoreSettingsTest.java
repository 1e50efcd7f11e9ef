package dev.kith.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.engine.KithException;
import dev.kith.storage.postgres.PostgresOptions;
import dev.kith.storage.postgres.PostgresOptions.SslMode;
import dev.kith.storage.postgres.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code --datastore-*} flags of {@code kith serve} and {@code kith migrate}: parsing, precedence, errors. */
class DatastoreSettingsTest {
    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private static final String URL = "postgres://kith@db.example:6543/authz?pool_size=20&statement_timeout=2s"
            + "&sslmode=verify-ca&sslrootcert=/etc/url-ca.pem";

    @TempDir
    Path tmp;

    private static DatastoreSettings parse(Map<String, String> env, String... args) {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs(args);
        serve.datastoreSettings.environment = env::get;
        return serve.datastoreSettings;
    }

    private static DatastoreSettings parse(String... args) {
        return parse(Map.of(), args);
    }

    private static void assertInvalid(DatastoreSettings s, String url, String flag, String message) {
        assertThatThrownBy(() -> s.apply(url))
                .isInstanceOf(KithException.InvalidArgument.class)
                .hasMessageStartingWith(flag + ": ")
                .hasMessageContaining(message)
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void withoutFlagsTheUrlDecides() {
        assertThat(parse().apply(URL)).isEqualTo(PostgresOptions.parse(URL));
        assertThat(parse().anyGiven()).isFalse();
    }

    @Test
    void flagsOverrideTheUrlsParameters() throws Exception {
        Path ca = Files.writeString(tmp.resolve("ca.pem"), "not parsed until a connection verifies with it");
        PostgresOptions o = parse(
                        "--datastore-pool-size",
                        "3",
                        "--datastore-statement-timeout",
                        "1m30s",
                        "--datastore-tls",
                        "verify-full",
                        "--datastore-tls-ca",
                        ca.toString())
                .apply(URL);
        assertThat(o.poolSize()).isEqualTo(3);
        assertThat(o.statementTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(o.sslMode()).isEqualTo(SslMode.VERIFY_FULL);
        assertThat(o.sslRootCert()).isEqualTo(ca.toString());
        assertThat(o.connectTimeout()).as("what no flag sets stays the URL's").isEqualTo(Duration.ofSeconds(5));
        assertThat(o.host()).isEqualTo("db.example");
        PostgresOptions plain = parse("--datastore-tls", "disable", "--datastore-statement-timeout", "0s")
                .apply("postgres://kith@db/authz");
        assertThat(plain.sslMode()).isEqualTo(SslMode.DISABLE);
        assertThat(plain.statementTimeout()).isZero();
    }

    @Test
    void badValuesNameTheFlag() {
        assertInvalid(parse("--datastore-pool-size", "0"), URL, "--datastore-pool-size", "must be at least 1, not 0");
        assertInvalid(
                parse("--datastore-tls", "maybe"),
                URL,
                "--datastore-tls",
                "'maybe' is not one of disable, prefer, require, verify-ca, verify-full");
        assertInvalid(
                parse("--datastore-tls", "require"),
                URL,
                "--datastore-tls",
                "a certificate authority file needs TLS mode verify-ca or verify-full, not require");
        assertInvalid(
                parse("--datastore-tls-ca", tmp.resolve("missing.pem").toString()),
                URL,
                "--datastore-tls-ca",
                "cannot read " + tmp.resolve("missing.pem"));
        assertThatThrownBy(() -> parse("--datastore-pool-size", "many"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--datastore-pool-size");
        assertThatThrownBy(() -> parse("--datastore-statement-timeout", "soon"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--datastore-statement-timeout")
                .hasMessageContaining("'soon' is not a duration");
    }

    @Test
    void thePasswordComesFromTheVariableOrAFileAndFromOnePlaceOnly() throws Exception {
        Map<String, String> env = Map.of(DatastoreSettings.PASSWORD_VARIABLE, "hunter2 with spaces");
        assertThat(parse(env).apply("postgres://kith@db/authz").password()).isEqualTo("hunter2 with spaces");
        assertThat(parse(env).anyGiven()).isTrue();
        Path file = Files.writeString(tmp.resolve("password"), "hunter2:@/x\r\nsecond line ignored\n");
        PostgresOptions fromFile =
                parse("--datastore-password-file", file.toString()).apply("postgres://kith@db/authz");
        assertThat(fromFile.password()).isEqualTo("hunter2:@/x");
        assertThat(fromFile.user()).isEqualTo("kith");
        assertThat(fromFile.toString()).doesNotContain("hunter2");

        assertInvalid(
                parse(env, "--datastore-password-file", file.toString()),
                "postgres://kith@db/authz",
                "--datastore-password-file",
                "cannot be used together with KITH_DATASTORE_PASSWORD");
        assertInvalid(
                parse(env),
                "postgres://kith:hunter2@db/authz",
                "KITH_DATASTORE_PASSWORD",
                "cannot be used with a --datastore URL that has a password");
        assertInvalid(
                parse("--datastore-password-file", tmp.resolve("nope").toString()),
                "postgres://kith@db/authz",
                "--datastore-password-file",
                "cannot read " + tmp.resolve("nope"));
        Path empty = Files.writeString(tmp.resolve("empty"), "\n");
        assertInvalid(
                parse("--datastore-password-file", empty.toString()),
                "postgres://kith@db/authz",
                "--datastore-password-file",
                "gives an empty password");
    }

    @Test
    void serveRefusesSettingsForTheInMemoryStoreAndBadDatastores() {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs("--datastore-pool-size", "4");
        serve.datastoreSettings.environment = Map.<String, String>of()::get;
        assertThatThrownBy(serve::postgresOptions)
                .isInstanceOf(KithException.InvalidArgument.class)
                .hasMessage("--datastore: the --datastore-* settings need a postgres:// datastore, not memory");
        ServeCommand odd = new ServeCommand();
        new CommandLine(odd).parseArgs("--datastore", "mysql://ann:hunter2@db/x");
        assertThatThrownBy(odd::postgresOptions)
                .isInstanceOf(KithException.InvalidArgument.class)
                .hasMessageContaining("is neither 'memory' nor a postgres:// URL")
                .hasMessageNotContaining("hunter2");
        ServeCommand memory = new ServeCommand();
        new CommandLine(memory).parseArgs();
        memory.datastoreSettings.environment = Map.<String, String>of()::get;
        assertThat(memory.postgresOptions()).isNull();
    }

    @Test
    void serveExitsAtStartNamingTheFlag() {
        KithCli.Run run = KithCli.run(
                "serve",
                "--datastore",
                TestDatabase.url(DB.options()),
                "--insecure-no-auth",
                "--datastore-tls",
                "sometimes");
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).contains("kith serve: --datastore-tls: 'sometimes' is not one of");
    }

    @Test
    void migrateTakesTheSettingsToo() {
        KithCli.Run run =
                KithCli.run("migrate", "--datastore", TestDatabase.url(DB.options()), "--datastore-pool-size", "1");
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains(DB.options().database() + ": ");
        KithCli.Run bad =
                KithCli.run("migrate", "--datastore", TestDatabase.url(DB.options()), "--datastore-pool-size", "-1");
        assertThat(bad.status()).isEqualTo(1);
        assertThat(bad.err()).contains("kith migrate: --datastore-pool-size: must be at least 1, not -1");
    }

    @Test
    void helpListsEveryFlagAndItsVariable() {
        for (String command : new String[] {"serve", "migrate"}) {
            String help = KithCli.run(command, "--help").out();
            assertThat(help)
                    .contains("--datastore-pool-size", "KITH_DATASTORE_POOL_SIZE")
                    .contains("--datastore-statement-timeout", "KITH_DATASTORE_STATEMENT_TIMEOUT")
                    .contains("--datastore-tls", "KITH_DATASTORE_TLS")
                    .contains("--datastore-tls-ca", "KITH_DATASTORE_TLS_CA")
                    .contains("--datastore-password-file", "KITH_DATASTORE_PASSWORD");
        }
    }
}
