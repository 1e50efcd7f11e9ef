package dev.kith.bench.data;

/**
 * A line of a dataset file that does not follow its format; the message names the file, the line number and
 * what is wrong. Cheap: it carries no stack trace, since bad input is an expected failure.
 */
public final class DataFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;
    private final String problem;

    DataFormatException(String source, int line, String problem) {
        super(source + ":" + line + ": " + problem, null, false, false);
        this.source = source;
        this.line = line;
        this.problem = problem;
    }

    /** The file (or other source name) the line came from. */
    public String source() {
        return source;
    }

    /** The 1-based line number. */
    public int line() {
        return line;
    }

    /** What is wrong with the line, without the position. */
    public String problem() {
        return problem;
    }
}
