package dev.kith.bench.data;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the four files of a dataset through buffered writers, one line per relationship, query or lookup. Lines
 * are written as given (the generators produce them); {@link #close()} flushes everything.
 */
public final class DatasetWriter implements Closeable {
    private static final int BUFFER = 1 << 16;

    private final BufferedWriter relationships;
    private final BufferedWriter queries;
    private final BufferedWriter lookups;
    private long relationshipCount;
    private long queryCount;
    private long lookupCount;

    private DatasetWriter(BufferedWriter relationships, BufferedWriter queries, BufferedWriter lookups) {
        this.relationships = relationships;
        this.queries = queries;
        this.lookups = lookups;
    }

    /** Creates (or replaces) the dataset files in {@code files}' directory and writes the schema. */
    public static DatasetWriter create(DatasetFiles files, String schema) throws IOException {
        Files.createDirectories(files.directory());
        Files.writeString(files.schema(), schema, StandardCharsets.UTF_8);
        BufferedWriter relationships = open(files.relationships());
        BufferedWriter queries = null;
        try {
            queries = open(files.queries());
            return new DatasetWriter(relationships, queries, open(files.lookups()));
        } catch (IOException e) {
            relationships.close();
            if (queries != null) {
                queries.close();
            }
            throw e;
        }
    }

    private static BufferedWriter open(Path file) throws IOException {
        return new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8), BUFFER);
    }

    /** Appends one relationship line (without the line break). */
    public void relationship(CharSequence line) {
        write(relationships, line);
        relationshipCount++;
    }

    /** Appends one query. */
    public void query(Query query) {
        write(queries, query.toLine());
        queryCount++;
    }

    /** Appends one lookup. */
    public void lookup(Lookup lookup) {
        write(lookups, lookup.toLine());
        lookupCount++;
    }

    /** Relationships written so far. */
    public long relationshipCount() {
        return relationshipCount;
    }

    /** Queries written so far. */
    public long queryCount() {
        return queryCount;
    }

    /** Lookups written so far. */
    public long lookupCount() {
        return lookupCount;
    }

    private static void write(BufferedWriter out, CharSequence line) {
        try {
            out.append(line).append('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        try (relationships;
                queries;
                lookups) {
            relationships.flush();
            queries.flush();
            lookups.flush();
        }
    }
}
