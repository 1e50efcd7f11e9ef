package dev.kith.bench.jmh;

import dev.kith.bench.data.DatasetFiles;
import dev.kith.bench.data.DatasetReader;
import dev.kith.bench.data.Lookup;
import dev.kith.bench.data.Query;
import dev.kith.bench.gen.Dataset;
import dev.kith.bench.gen.Datasets;
import dev.kith.bench.inprocess.DatasetLoader;
import dev.kith.engine.Engine;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.index.Index;
import dev.kith.engine.index.MemoryDatastore;
import dev.kith.engine.runtime.Engines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A generated dataset loaded into an engine for a benchmark trial: the generator writes the four files into a
 * temporary directory with the default seed, the engine imports them, the queries and lookups are read, and the
 * directory is deleted before the trial starts.
 *
 * @param engine the engine over {@code index}
 * @param index the engine's index, for benchmarks of its reads
 * @param schema the schema text the engine was given
 * @param relationships every relationship line, as written
 * @param queries the queries file
 * @param lookups the lookups file
 */
record BenchmarkData(
        Engine engine,
        Index index,
        String schema,
        List<String> relationships,
        List<Query> queries,
        List<Lookup> lookups)
        implements AutoCloseable {

    /** {@code dataset} at {@code scale}, its schema changed by {@code schemaEdit} before loading. */
    static BenchmarkData load(Dataset dataset, double scale, UnaryOperator<String> schemaEdit) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("kith-jmh-");
            DatasetFiles files = new DatasetFiles(dir);
            Datasets.generate(dataset, files, scale, Datasets.DEFAULT_SEED);
            String schema = schemaEdit.apply(DatasetReader.readSchema(files.schema()));
            MemoryDatastore store = new MemoryDatastore(java.time.Clock.systemUTC());
            Engine engine = Engines.create(store, EngineOptions.defaults());
            DatasetLoader.load(engine, schema, files.relationships());
            List<String> lines;
            try (Stream<String> all = Files.lines(files.relationships())) {
                lines = all.filter(l -> !l.isBlank() && !l.startsWith("//")).toList();
            }
            return new BenchmarkData(
                    engine,
                    store.index(),
                    schema,
                    lines,
                    DatasetReader.readQueries(files.queries()),
                    DatasetReader.readLookups(files.lookups()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (dir != null) delete(dir);
        }
    }

    /** {@code dataset} at {@code scale} with its own schema. */
    static BenchmarkData load(Dataset dataset, double scale) {
        return load(dataset, scale, UnaryOperator.identity());
    }

    private static void delete(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        engine.close();
    }
}
