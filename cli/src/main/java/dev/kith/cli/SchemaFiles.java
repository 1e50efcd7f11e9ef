package dev.kith.cli;

import dev.kith.schema.SchemaException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads schema files for the CLI, turning I/O failures into one-line messages. */
final class SchemaFiles {

    /** A file that could not be read, with why, in words. */
    static final class Unreadable extends Exception {
        private static final long serialVersionUID = 1L;

        Unreadable(Path file, String reason) {
            super("kith: cannot read " + file + ": " + reason, null, false, false);
        }
    }

    private SchemaFiles() {}

    /**
     * Reads {@code file} and applies {@code work} to its text; prints its diagnostics (then a line saying what
     * was {@code notDone} and how many errors) or why the file cannot be read, to {@code err}. Exit status 0 or 1.
     */
    static <E extends Exception> int withSchemaText(Path file, PrintWriter err, String notDone, TextWork<E> work)
            throws E {
        try {
            work.apply(read(file));
            return 0;
        } catch (SchemaException e) {
            new Diagnostics(err).errors(e);
            err.println(file + ": " + notDone + ", " + errors(e.diagnostics().size()));
            return 1;
        } catch (Unreadable e) {
            err.println(e.getMessage());
            return 1;
        }
    }

    /** {@code 1 error}, {@code 3 errors}. */
    static String errors(int n) {
        return n + " error" + (n == 1 ? "" : "s");
    }

    /** What a schema command does with a file's text. */
    @FunctionalInterface
    interface TextWork<E extends Exception> {
        void apply(String text) throws SchemaException, E;
    }

    static String read(Path file) throws Unreadable {
        try {
            if (Files.isDirectory(file)) {
                throw new Unreadable(file, "it is a directory");
            }
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new Unreadable(file, "no such file");
        } catch (AccessDeniedException e) {
            throw new Unreadable(file, "permission denied");
        } catch (CharacterCodingException e) {
            throw new Unreadable(file, "it is not UTF-8 text");
        } catch (IOException e) {
            throw new Unreadable(file, String.valueOf(e.getMessage()));
        }
    }
}
