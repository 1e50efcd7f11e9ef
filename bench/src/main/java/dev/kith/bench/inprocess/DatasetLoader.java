package dev.kith.bench.inprocess;

import dev.kith.bench.data.DatasetReader;
import dev.kith.bench.data.RelationshipLines;
import dev.kith.engine.Engine;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.KithException;
import dev.kith.engine.Relationship;
import dev.kith.engine.runtime.Engines;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * Loads a schema file and a relationships file into a new in-memory engine with one {@link Engine#importBulk}:
 * the file is streamed line by line into the import (never held whole), so the figure is the engine's own cost
 * of parsing, validating, interning and indexing plus reading the file.
 */
public final class DatasetLoader {
    private DatasetLoader() {}

    /**
     * A new engine with {@code schemaText} and the relationships of {@code relationships}.
     *
     * @throws dev.kith.bench.data.DataFormatException when a line is malformed or the engine refuses it (the
     *     message names the file and line)
     * @throws KithException.InvalidSchema when the schema does not compile
     */
    public static LoadedDataset load(String schemaText, Path relationships, EngineOptions options) throws IOException {
        return load(Engines.inMemory(options), schemaText, relationships);
    }

    /**
     * Writes {@code schemaText} into {@code engine} (new and empty) and imports {@code relationships}; closes the
     * engine when that fails.
     */
    public static LoadedDataset load(Engine engine, String schemaText, Path relationships) throws IOException {
        try {
            engine.writeSchema(schemaText);
            long start = System.nanoTime();
            long count;
            try (RelationshipLines lines = RelationshipLines.open(relationships)) {
                Counting parsed = new Counting(lines);
                try {
                    engine.importBulk(parsed);
                } catch (KithException e) {
                    throw lines.failure(e.getMessage());
                }
                count = parsed.count;
            }
            return new LoadedDataset(engine, count, (System.nanoTime() - start) / 1e9);
        } catch (IOException | RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    /** {@link #load(String, Path, EngineOptions)} with the schema read from {@code schema} and default options. */
    public static LoadedDataset load(Path schema, Path relationships) throws IOException {
        return load(DatasetReader.readSchema(schema), relationships, EngineOptions.defaults());
    }

    /** Parses each line as the engine's relationship syntax, counting them. */
    private static final class Counting implements Iterator<Relationship> {
        private final RelationshipLines lines;
        private long count;

        Counting(RelationshipLines lines) {
            this.lines = lines;
        }

        @Override
        public boolean hasNext() {
            return lines.hasNext();
        }

        @Override
        public Relationship next() {
            Relationship r = Relationship.parse(lines.next());
            count++;
            return r;
        }
    }
}
