package dev.kith.bench.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The relationship lines of a file as a lazy iterator (blank lines and comments skipped, each line trimmed), for
 * consumers that pull and parse each line themselves, such as an engine's bulk import: the file is never held in
 * memory whole. Unlike {@link DatasetReader#forEachRelationship} it does not check each line's shape, so that a
 * load measures the consumer's own parsing only; the consumer reports a bad line through {@link #failure}. A read
 * failure surfaces as {@link UncheckedIOException}.
 */
public final class RelationshipLines implements Iterator<String>, AutoCloseable {
    private final BufferedReader reader;
    private final String source;
    private int lineNumber;
    private int returnedLine;
    private String next;
    private boolean exhausted;

    private RelationshipLines(BufferedReader reader, String source) {
        this.reader = reader;
        this.source = source;
    }

    /** Opens {@code file}; close the iterator to close the file. */
    public static RelationshipLines open(Path file) throws IOException {
        return new RelationshipLines(Files.newBufferedReader(file, StandardCharsets.UTF_8), file.toString());
    }

    /** Reads from {@code reader}, naming it {@code source} in errors. */
    public static RelationshipLines over(BufferedReader reader, String source) {
        return new RelationshipLines(reader, source);
    }

    @Override
    public boolean hasNext() {
        if (next != null) return true;
        try {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                if (!LineParser.isSkipped(line)) {
                    next = line.strip();
                    return true;
                }
            }
            exhausted = true;
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(source + ": " + e.getMessage(), e);
        }
    }

    /** The next relationship line, trimmed. */
    @Override
    public String next() {
        if (!hasNext()) throw new NoSuchElementException();
        String line = next;
        next = null;
        returnedLine = lineNumber;
        return line;
    }

    /**
     * A failure of the line {@link #next} returned last, naming the file and its line number; once the whole file
     * has been read (a failure of the file as a whole, such as a duplicate), it says so instead.
     */
    public DataFormatException failure(String problem) {
        return exhausted
                ? new DataFormatException(source, lineNumber, "after the last line: " + problem)
                : new DataFormatException(source, returnedLine, problem);
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
