package dev.kith.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.engine.KithException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

final class PostgresOptionsTest {
    @Test
    void parsesEveryPartOfTheUrl() {
        PostgresOptions o = PostgresOptions.parse("postgresql://kith%40corp:s3cr%3At+x@db.example:6543/authz"
                + "?sslmode=verify-full&sslrootcert=/etc/ca.pem&pool_size=20&statement_timeout=2s"
                + "&connect_timeout=3&application_name=kith-a&auto_migrate=false&gc_window=48h&gc_interval=0");
        assertThat(o.host()).isEqualTo("db.example");
        assertThat(o.port()).isEqualTo(6543);
        assertThat(o.database()).isEqualTo("authz");
        assertThat(o.user()).isEqualTo("kith@corp");
        assertThat(o.password()).isEqualTo("s3cr:t+x");
        assertThat(o.sslMode()).isEqualTo(PostgresOptions.SslMode.VERIFY_FULL);
        assertThat(o.sslRootCert()).isEqualTo("/etc/ca.pem");
        assertThat(o.poolSize()).isEqualTo(20);
        assertThat(o.statementTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(o.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(o.applicationName()).isEqualTo("kith-a");
        assertThat(o.autoMigrate()).isFalse();
        assertThat(o.gcWindow()).isEqualTo(Duration.ofHours(48));
        assertThat(o.gcInterval()).isEqualTo(Duration.ZERO);
    }

    @Test
    void fillsInDefaults() {
        PostgresOptions o = PostgresOptions.parse("postgres://localhost");
        assertThat(o).isEqualTo(PostgresOptions.of("localhost", 5432, "postgres", "postgres", null));
        assertThat(o.sslMode()).isEqualTo(PostgresOptions.SslMode.PREFER);
        assertThat(o.statementTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.gcWindow()).isEqualTo(Duration.ofHours(24));
        assertThat(PostgresOptions.parse("postgres://ann@[::1]:7000").host()).isEqualTo("::1");
        assertThat(PostgresOptions.parse("postgres://ann@h").database()).isEqualTo("ann");
        assertThat(PostgresOptions.parse("postgres://h?statement_timeout=250").statementTimeout())
                .isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void toStringNeverShowsThePasswordAndParsesBack() {
        PostgresOptions o = PostgresOptions.parse("postgres://ann:hunter2@db:5433/kith?sslmode=require");
        assertThat(o.toString()).doesNotContain("hunter2").contains("ann:***@db:5433/kith");
        PostgresOptions back = PostgresOptions.parse(o.toString());
        assertThat(back.password()).isEqualTo("***");
        assertThat(back.withAddress(o.host(), o.port()).sslMode()).isEqualTo(o.sslMode());
        assertThat(back.statementTimeout()).isEqualTo(o.statementTimeout());
    }

    @Test
    void redactionHidesEveryPasswordInUrlsAndMessages() {
        assertThat(PostgresOptions.redactUrl("postgres://ann:hunter2@db:5433/kith?sslmode=require"))
                .isEqualTo("postgres://ann:***@db:5433/kith?sslmode=require");
        assertThat(PostgresOptions.redactUrl("postgresql://:hunter2@db/kith")).isEqualTo("postgresql://:***@db/kith");
        assertThat(PostgresOptions.redactUrl("postgres://ann:hun@ter:2@db/kith"))
                .as("an unescaped @ or : in the password")
                .isEqualTo("postgres://ann:***@db/kith");
        assertThat(PostgresOptions.redactUrl("postgres://ann:hu/nt#er?2@db/kith"))
                .as("characters that end a URL's user info")
                .isEqualTo("postgres://ann:***@db/kith");
        assertThat(PostgresOptions.redactUrl("cannot connect to postgres://ann:hunter2@db:5433/kith: refused"))
                .isEqualTo("cannot connect to postgres://ann:***@db:5433/kith: refused");
        assertThat(PostgresOptions.redactUrl("postgres://ann@db:5433/kith")).isEqualTo("postgres://ann@db:5433/kith");
        assertThat(PostgresOptions.redactUrl("postgres://db:5433/kith")).isEqualTo("postgres://db:5433/kith");
        assertThat(PostgresOptions.redactUrl("Connection refused: db/10.0.0.1:5432"))
                .isEqualTo("Connection refused: db/10.0.0.1:5432");
        assertThatThrownBy(() -> PostgresOptions.parse("postgres://ann:hu nter2@db/kith"))
                .isInstanceOf(KithException.InvalidArgument.class)
                .hasMessageNotContaining("hu nter2")
                .hasMessageNotContaining("nter2");
    }

    @Test
    void badUrlsGetErrorsThatNameTheProblemWithoutThePassword() {
        assertInvalid("mysql://h/db", "must start with postgres:// or postgresql://");
        assertInvalid("postgres://h?sslmode=maybe", "sslmode 'maybe' is not one of");
        assertInvalid("postgres://h?pool_size=0", "pool_size must be at least 1");
        assertInvalid("postgres://h?pool_size=many", "pool_size 'many' is not a whole number");
        assertInvalid("postgres://h?statement_timeout=5x", "statement_timeout '5x' is not a duration");
        assertInvalid("postgres://h?gc_window=5", "gc_window '5' needs a unit");
        assertInvalid("postgres://h?colour=blue", "unknown parameter 'colour'");
        assertInvalid("postgres://h?sslrootcert=/ca.pem", "sslrootcert needs sslmode=verify-ca");
        assertInvalid("postgres://h:99999/db", "port");
        assertInvalid("", "the URL is empty");
        assertThatThrownBy(() -> PostgresOptions.parse("postgres://ann:topsecret@h/db?pool_size=x"))
                .hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> PostgresOptions.parse("postgres://ann:top secret@h/db"))
                .isInstanceOf(KithException.InvalidArgument.class)
                .hasMessageNotContaining("top secret");
    }

    private static void assertInvalid(String url, String message) {
        assertThatThrownBy(() -> PostgresOptions.parse(url))
                .isInstanceOf(KithException.InvalidArgument.class)
                .hasMessageStartingWith("datastore URL: ")
                .hasMessageContaining(message);
    }
}
