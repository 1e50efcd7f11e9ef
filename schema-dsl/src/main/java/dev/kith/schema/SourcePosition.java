package dev.kith.schema;

/** A place in a schema source: file name (may be empty), 1-based line and column. */
public record SourcePosition(String file, int line, int column) {
    @Override
    public String toString() {
        return (file == null || file.isEmpty() ? "" : file + ":") + line + ":" + column;
    }
}
