package dev.kith.cli;

import java.io.Console;
import java.io.PrintWriter;
import java.lang.reflect.Method;

/**
 * Where a client command prints: its output writer, and whether to colour it. Colour is used only when standard
 * output is a terminal and {@code NO_COLOR} is unset or empty (no-color.org); never in a pipe, a file or a test.
 */
final class Terminal {
    private static final String RESET = "\u001b[0m";

    final PrintWriter out;
    final PrintWriter err;
    private final boolean colour;

    Terminal(PrintWriter out, PrintWriter err, boolean colour) {
        this.out = out;
        this.err = err;
        this.colour = colour;
    }

    /** Whether this process writes to a terminal that may be coloured. */
    static boolean colourWanted() {
        String noColor = System.getenv("NO_COLOR");
        if (noColor != null && !noColor.isEmpty()) return false;
        return stdinIsTerminal();
    }

    /**
     * Whether this process runs on a terminal (a person typing and reading), as far as Java can tell: a console that
     * is a terminal (from Java 22 the console says so; then standard input and output are both terminals).
     */
    static boolean stdinIsTerminal() {
        Console console = System.console();
        if (console == null) return false;
        try {
            // Java 22 and later have a console also when not on a terminal, and say which with isTerminal().
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    String green(String s) {
        return paint("32", s);
    }

    String red(String s) {
        return paint("31", s);
    }

    String yellow(String s) {
        return paint("33", s);
    }

    String dim(String s) {
        return paint("2", s);
    }

    private String paint(String code, String s) {
        return colour ? "\u001b[" + code + "m" + s + RESET : s;
    }
}
