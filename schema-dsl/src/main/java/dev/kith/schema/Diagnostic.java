package dev.kith.schema;

import java.util.Objects;

/**
 * One problem found in a schema: where it is, what is wrong, and the source line it is on.
 *
 * @param position file, line and column of the problem
 * @param message what is wrong, in the schema author's terms
 * @param sourceLine the whole source line at {@code position} (without its line break), or an empty
 *     string when the position is past the end of the text
 */
public record Diagnostic(SourcePosition position, String message, String sourceLine) {
    public Diagnostic {
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(message, "message");
        sourceLine = sourceLine == null ? "" : sourceLine;
    }

    /**
     * Renders {@code file:line:col: message}, the source line, and a caret under the column. Tabs
     * before the column are kept in the caret line so that the caret lines up in a terminal.
     */
    public String render() {
        StringBuilder out = new StringBuilder();
        out.append(position).append(": ").append(message).append('\n');
        out.append(sourceLine).append('\n');
        int before = Math.max(0, position.column() - 1);
        for (int i = 0; i < before; i++) {
            out.append(i < sourceLine.length() && sourceLine.charAt(i) == '\t' ? '\t' : ' ');
        }
        out.append('^');
        return out.toString();
    }
}
