package dev.kith.validation;

import java.nio.file.Path;

/**
 * A validation file that cannot be loaded: its message names the file, the line and the key where the problem
 * is ({@code file.yaml:12: relationships: …}).
 */
public final class ValidationFileException extends Exception {
    private final Path file;
    private final int line;
    private final String key;
    private final String reason;

    public ValidationFileException(Path file, int line, String key, String reason) {
        super(render(file, line, key, reason), null, false, false);
        this.file = file;
        this.line = line;
        this.key = key;
        this.reason = reason;
    }

    /** The file that failed to load. */
    public Path file() {
        return file;
    }

    /** The 1-based line of the problem, or 0 when it concerns the whole file. */
    public int line() {
        return line;
    }

    /** The top-level key concerned ({@code relationships}, {@code assertions}, …), or null. */
    public String key() {
        return key;
    }

    /** What is wrong, without the file and line. */
    public String reason() {
        return reason;
    }

    private static String render(Path file, int line, String key, String reason) {
        StringBuilder b = new StringBuilder().append(file);
        if (line > 0) b.append(':').append(line);
        b.append(": ");
        if (key != null) b.append(key).append(": ");
        return b.append(reason).toString();
    }
}
