package dev.kith.bench.inprocess;

import dev.kith.engine.Engine;

/**
 * A dataset loaded into an in-memory engine.
 *
 * @param engine the engine holding the schema and every relationship of the file
 * @param relationships how many relationships were imported
 * @param loadSeconds wall-clock seconds from opening the relationships file to the import's commit
 */
public record LoadedDataset(Engine engine, long relationships, double loadSeconds) implements AutoCloseable {
    @Override
    public void close() {
        engine.close();
    }
}
