package dev.kith.api.cli;

import dev.kith.engine.Engine;
import dev.kith.engine.KithException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

/** Loads a validation file's schema and relationships into an engine at start ({@code kith serve --bootstrap}). */
final class Bootstrap {
    private Bootstrap() {}

    static void load(Engine engine, Path file, PrintWriter log) {
        ValidationFile v;
        try {
            v = ValidationFile.load(file);
        } catch (IOException e) {
            throw new KithException.InvalidArgument("--bootstrap", "cannot read " + file + ": " + e.getMessage());
        }
        engine.writeSchema(v.schema());
        if (!v.relationships().isEmpty()) engine.importBulk(v.relationships().iterator());
        log.println("kith serve: bootstrapped " + v.relationships().size() + " relationships from " + file);
        log.flush();
    }
}
