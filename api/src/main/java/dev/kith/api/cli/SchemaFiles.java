package dev.kith.api.cli;

import java.io.IOException;
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
