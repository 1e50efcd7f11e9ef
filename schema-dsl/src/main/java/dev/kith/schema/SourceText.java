package dev.kith.schema;

import java.util.ArrayList;
import java.util.List;

/** A schema text with its file name and line index, to turn offsets into positions and diagnostics. */
final class SourceText {
    private final String fileName;
    private final String text;
    private final int[] lineStarts;

    SourceText(String fileName, String text) {
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

    String fileName() {
        return fileName;
    }

    String text() {
        return text;
    }

    SourcePosition position(int line, int column) {
        return new SourcePosition(fileName, line, column);
    }

    /** The text of a 1-based line, without its line break; empty past the end. */
    String line(int line) {
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

    Diagnostic diagnostic(int line, int column, String message) {
        return new Diagnostic(position(line, column), message, line(line));
    }

    Diagnostic diagnostic(SourcePosition at, String message) {
        return new Diagnostic(at, message, line(at.line()));
    }
}
