package dev.kith.storage.postgres;

import dev.kith.engine.Datastore;
import dev.kith.engine.DatastoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The SPI contract every store meets, run against PostgreSQL: each test on a fresh database. */
final class PostgresDatastoreContractTest extends DatastoreContract {
    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    @Override
    protected Datastore newDatastore() {
        return PostgresDatastore.open(DB.newDatabase("contract"));
    }
}
