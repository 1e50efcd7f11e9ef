package dev.kith.bench;

import dev.kith.bench.inprocess.LoadedDataset;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --schema} and {@code --relationships} options of the in-process commands, and loading them. */
final class DatasetFiles {
    @Option(names = "--schema", required = true, description = "schema file (schema.zed)")
    private Path schema;

    @Option(names = "--relationships", required = true, description = "relationships file (relationships.txt)")
    private Path relationships;

    @Option(
            names = "--no-closure",
            description = "turn the engine's closure index off, to compare with it on (the default)")
    private boolean noClosure;

    /** A new in-memory engine holding the dataset. */
    LoadedDataset load() throws IOException {
        return CommandInputs.load(
                schema, relationships, dev.kith.engine.EngineOptions.defaults().withClosureIndex(!noClosure));
    }
}
