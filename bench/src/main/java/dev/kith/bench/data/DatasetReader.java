package dev.kith.bench.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Streaming readers of the dataset files: each reads line by line, skips blank lines and {@code //} comments, and
 * throws a {@link DataFormatException} naming the file and line of the first malformed line.
 */
public final class DatasetReader {

    /** Receives one relationship line, as written (trimmed), with its 1-based line number. */
    @FunctionalInterface
    public interface RelationshipSink {
        /** Takes one relationship; the engine parses {@code relationship} itself. */
        void accept(String relationship, int lineNumber);
    }

    private DatasetReader() {}

    /** Reads a schema file whole (schemas are small). */
    public static String readSchema(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    /** Hands every relationship line of {@code file} to {@code sink}, after checking its shape; returns the count. */
    public static long forEachRelationship(Path file, RelationshipSink sink) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return forEachRelationship(reader, file.toString(), sink);
        }
    }

    /** Like {@link #forEachRelationship(Path, RelationshipSink)}, reading from {@code reader} named {@code source}. */
    public static long forEachRelationship(BufferedReader reader, String source, RelationshipSink sink)
            throws IOException {
        return forEachLine(reader, source, parser -> sink.accept(parser.parseRelationship(), parser.lineNumber()));
    }

    /** Hands every query of {@code file} to {@code sink}; returns the count. */
    public static long forEachQuery(Path file, Consumer<Query> sink) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return forEachQuery(reader, file.toString(), sink);
        }
    }

    /** Like {@link #forEachQuery(Path, Consumer)}, reading from {@code reader} named {@code source}. */
    public static long forEachQuery(BufferedReader reader, String source, Consumer<Query> sink) throws IOException {
        return forEachLine(reader, source, parser -> sink.accept(parser.parseQuery()));
    }

    /** All queries of {@code file}, in order. */
    public static List<Query> readQueries(Path file) throws IOException {
        List<Query> queries = new ArrayList<>();
        forEachQuery(file, queries::add);
        return queries;
    }

    /** Hands every lookup of {@code file} to {@code sink}; returns the count. */
    public static long forEachLookup(Path file, Consumer<Lookup> sink) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return forEachLookup(reader, file.toString(), sink);
        }
    }

    /** Like {@link #forEachLookup(Path, Consumer)}, reading from {@code reader} named {@code source}. */
    public static long forEachLookup(BufferedReader reader, String source, Consumer<Lookup> sink) throws IOException {
        return forEachLine(reader, source, parser -> sink.accept(parser.parseLookup()));
    }

    /** All lookups of {@code file}, in order. */
    public static List<Lookup> readLookups(Path file) throws IOException {
        List<Lookup> lookups = new ArrayList<>();
        forEachLookup(file, lookups::add);
        return lookups;
    }

    /** Feeds a parser for every line that carries data (not blank, not a comment); returns how many. */
    private static long forEachLine(BufferedReader reader, String source, Consumer<LineParser> handler)
            throws IOException {
        long count = 0;
        int lineNumber = 0;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            lineNumber++;
            if (!LineParser.isSkipped(line)) {
                handler.accept(new LineParser(source, lineNumber, line.strip()));
                count++;
            }
        }
        return count;
    }
}
