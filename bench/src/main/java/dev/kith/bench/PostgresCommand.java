package dev.kith.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kith.bench.data.DatasetFiles;
import dev.kith.bench.data.DatasetReader;
import dev.kith.engine.Relationship;
import dev.kith.storage.postgres.PostgresDatastore;
import dev.kith.storage.postgres.PostgresOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code postgres}: times the PostgreSQL store's two bulk paths on a dataset, into an empty database: {@code
 * importBulk} of every relationship (one transaction), then {@code load} of the live state, as a node does
 * at start. Relationships are parsed before the clock starts.
 */
@Command(
        name = "postgres",
        description = "Time importBulk and load of a dataset's relationships on an empty PostgreSQL database")
final class PostgresCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(
            names = "--datastore",
            required = true,
            description = "postgres://user:pass@host:port/db of an empty database")
    private String datastore;

    @Option(names = "--dataset", required = true, description = "directory written by generate")
    private Path dataset;

    @Override
    public Integer call() throws IOException {
        PostgresOptions options;
        try {
            options = PostgresOptions.parse(datastore);
        } catch (dev.kith.engine.KithException.InvalidArgument e) {
            throw new BenchMain.UsageException(e.getMessage());
        }
        DatasetFiles files = new DatasetFiles(dataset);
        String schema = DatasetReader.readSchema(files.schema());
        List<Relationship> relationships = new ArrayList<>();
        DatasetReader.forEachRelationship(
                files.relationships(), (line, n) -> relationships.add(Relationship.parse(line)));
        Map<String, Object> report = new LinkedHashMap<>();
        try (PostgresDatastore store = PostgresDatastore.open(options)) {
            if (store.headRevision().value() != 0) {
                throw new BenchMain.UsageException(options.database() + " already holds kith data (revision "
                        + store.headRevision() + "); give an empty database");
            }
            store.writeSchema(schema);
            long started = System.nanoTime();
            store.importBulk(relationships.iterator());
            double importSeconds = (System.nanoTime() - started) / 1e9;
            long[] loaded = {0};
            started = System.nanoTime();
            store.load(text -> {}, r -> loaded[0]++);
            double loadSeconds = (System.nanoTime() - started) / 1e9;
            report.put("relationships", relationships.size());
            report.put("import_seconds", round(importSeconds));
            report.put("import_per_second", Math.round(relationships.size() / importSeconds));
            report.put("loaded", loaded[0]);
            report.put("load_seconds", round(loadSeconds));
            report.put("load_per_second", Math.round(loaded[0] / loadSeconds));
        }
        spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(report));
        return 0;
    }

    private static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }
}
