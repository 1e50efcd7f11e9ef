package dev.kith.schema;

import java.util.ArrayList;
import java.util.List;

/**
 * A schema text with its file name and line index, to turn offsets into positions and diagnostics. Public so
 * that the other languages kith translates (such as OpenFGA's, in {@code dev.kith.schema.openfga}) report
 * problems the same way.
 */
public final class SourceText {
    private final String fileName;
    private final String text;
    private final int[] lineStarts;

    public SourceText(String fileName, String text) {
        this.fileName = fileName == null ? "" : fileName;
        this.text = text;
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                starts.add(i + 1);
            }
        }
        lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
    }

    public String fileName() {
        return fileName;
    }

    public String text() {
        return text;
    }

    public SourcePosition position(int line, int column) {
        return new SourcePosition(fileName, line, column);
    }

    /** The text of a 1-based line, without its line break; empty past the end. */
    public String line(int line) {
        if (line < 1 || line > lineStarts.length) {
            return "";
        }
        int start = lineStarts[line - 1];
        int end = line < lineStarts.length ? lineStarts[line] - 1 : text.length();
        if (end > start && text.charAt(end - 1) == '\r') {
            end--;
        }
        return text.substring(start, Math.max(start, end));
    }

    public Diagnostic diagnostic(int line, int column, String message) {
        return new Diagnostic(position(line, column), message, line(line));
    }

    public Diagnostic diagnostic(SourcePosition at, String message) {
        return new Diagnostic(at, message, line(at.line()));
    }
}
