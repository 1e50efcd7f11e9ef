package dev.kith.engine.index;

import dev.kith.engine.Datastore;
import dev.kith.engine.DatastoreContract;
import java.time.Clock;

class MemoryDatastoreTest extends DatastoreContract {
    @Override
    protected Datastore newDatastore() {
        return new MemoryDatastore(Clock.systemUTC());
    }
}
