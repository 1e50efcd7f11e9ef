package dev.kith.bench.data;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The four files of one dataset in a directory: {@code schema.zed}, {@code relationships.txt},
 * {@code queries.txt} and {@code lookups.txt}.
 *
 * @param directory the dataset's directory
 */
public record DatasetFiles(Path directory) {
    /** The schema file's name. */
    public static final String SCHEMA = "schema.zed";
    /** The relationships file's name. */
    public static final String RELATIONSHIPS = "relationships.txt";
    /** The queries file's name. */
    public static final String QUERIES = "queries.txt";
    /** The lookups file's name. */
    public static final String LOOKUPS = "lookups.txt";

    /** Requires a directory. */
    public DatasetFiles {
        Objects.requireNonNull(directory, "directory");
    }

    /** The schema file. */
    public Path schema() {
        return directory.resolve(SCHEMA);
    }

    /** The relationships file. */
    public Path relationships() {
        return directory.resolve(RELATIONSHIPS);
    }

    /** The queries file. */
    public Path queries() {
        return directory.resolve(QUERIES);
    }

    /** The lookups file. */
    public Path lookups() {
        return directory.resolve(LOOKUPS);
    }
}
