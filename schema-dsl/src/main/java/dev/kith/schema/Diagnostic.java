package dev.kith.schema;

/**
 * A problem in schema text: where, what, and the source line it is on.
 *
 * @param position file, line and column (1-based)
 * @param message what is wrong, for a schema author
 * @param sourceLine the text of that line, without its line break
 */
public record Diagnostic(SourcePosition position, String message, String sourceLine) {
    /** {@code file:line:col: message}, the source line, and a caret under the column. */
    public String render() {
        StringBuilder b = new StringBuilder().append(position).append(": ").append(message);
        if (sourceLine != null) {
            b.append('\n').append(sourceLine).append('\n');
            b.append(" ".repeat(Math.max(0, position.column() - 1))).append('^');
        }
        return b.toString();
    }
}
