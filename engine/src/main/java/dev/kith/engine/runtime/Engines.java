package dev.kith.engine.runtime;

import dev.kith.engine.Datastore;
import dev.kith.engine.Engine;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.index.MemoryDatastore;

/** Creates {@link Engine}s. */
public final class Engines {
    private Engines() {}

    /** An engine with the embedded in-memory store. */
    public static Engine inMemory(EngineOptions options) {
        return KithEngine.over(new MemoryDatastore(options.clock()), options);
    }

    /**
     * An engine over {@code store} (e.g. PostgreSQL): it loads the store's head state into its index, then
     * follows the store's change feed; writes go to the store and return once the index has applied them.
     */
    public static Engine create(Datastore store, EngineOptions options) {
        return KithEngine.over(store, options);
    }
}
