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

    /** A new in-memory engine holding the dataset. */
    LoadedDataset load() throws IOException {
        return CommandInputs.load(schema, relationships);
    }
}
