package dev.kith.storage.postgres;

import dev.kith.engine.Datastore;
import dev.kith.engine.DatastoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The SPI contract against the PostgreSQL that the tests start from Maven artifacts when no other server is
 * available (issue #13), whichever server the rest of this run uses: so that fallback is known to work on
 * every build, not only on machines that need it.
 */
final class EmbeddedPostgresContractTest extends DatastoreContract {
    @RegisterExtension
    static final TestDatabase DB = TestDatabase.onEmbeddedServer();

    @Override
    protected Datastore newDatastore() {
        return PostgresDatastore.open(DB.newDatabase("embedded"));
    }
}
