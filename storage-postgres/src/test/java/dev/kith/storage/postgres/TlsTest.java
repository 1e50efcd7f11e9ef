package dev.kith.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.engine.KithException;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

/**
 * The sslmode of the URL reaches the connection. The test server may or may not offer TLS; each test asserts
 * what must happen in either case.
 */
final class TlsTest {
    private static final String USES_TLS =
            "SELECT coalesce((SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()), false)";

    private static boolean serverOffersTls() {
        try (PgClient client = new PgClient(TestDatabase.server())) {
            return client.query("SHOW ssl", Tuple.tuple())
                    .iterator()
                    .next()
                    .getString(0)
                    .equals("on");
        }
    }

    private static boolean usesTls(PostgresOptions options) {
        try (PgClient client = new PgClient(options)) {
            return client.query(USES_TLS, Tuple.tuple()).iterator().next().getBoolean(0);
        }
    }

    private static PostgresOptions withSsl(PostgresOptions.SslMode mode) {
        return TestDatabase.server().toBuilder().ssl(mode, null).build();
    }

    @Test
    void disableNeverUsesTls() {
        assertThat(usesTls(withSsl(PostgresOptions.SslMode.DISABLE))).isFalse();
    }

    @Test
    void preferUsesTlsExactlyWhenTheServerOffersIt() {
        assertThat(usesTls(withSsl(PostgresOptions.SslMode.PREFER))).isEqualTo(serverOffersTls());
    }

    @Test
    void requireUsesTlsOrFailsClearly() {
        PostgresOptions require = withSsl(PostgresOptions.SslMode.REQUIRE);
        if (serverOffersTls()) {
            assertThat(usesTls(require)).isTrue();
        } else {
            assertThatThrownBy(() -> usesTls(require))
                    .isInstanceOf(KithException.StoreUnavailable.class)
                    .hasMessageContaining("is unavailable")
                    .hasMessageContaining("SSL");
        }
    }
}
