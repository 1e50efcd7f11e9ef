package dev.kith.cli;

import dev.kith.engine.Engine;
import dev.kith.engine.KithException;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipUpdate;
import dev.kith.engine.Requests;
import dev.kith.engine.Revision;
import dev.kith.validation.ValidationFile;
import dev.kith.validation.ValidationFileException;
import dev.kith.validation.ValidationFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads a validation file's schema and relationships into an engine at start ({@code kith serve --bootstrap}):
 * one bulk import into an empty store, or TOUCH writes of {@code batch} relationships into one that has data.
 */
final class Bootstrap {
    private Bootstrap() {}

    static void load(Engine engine, Path file, int batch, PrintWriter log) {
        ValidationFile v;
        try {
            v = ValidationFiles.load(file);
        } catch (ValidationFileException e) {
            throw new KithException.InvalidArgument("--bootstrap", e.getMessage());
        }
        if (v.schema() == null) {
            throw new KithException.InvalidArgument("--bootstrap", file + " has neither 'schema' nor 'schemaFile'");
        }
        List<Relationship> all = v.relationships().stream()
                .map(ValidationFile.RelationshipLine::relationship)
                .toList();
        boolean empty = engine.appliedRevision().equals(Revision.ZERO);
        engine.writeSchema(v.schema().text());
        if (empty) {
            if (!all.isEmpty()) engine.importBulk(all.iterator());
        } else {
            // A durable store that already holds data (a restart): TOUCH, so that bootstrapping is idempotent.
            for (int i = 0; i < all.size(); i += batch) {
                List<RelationshipUpdate> updates = all.subList(i, Math.min(i + batch, all.size())).stream()
                        .map(RelationshipUpdate::touch)
                        .toList();
                engine.write(new Requests.Write(updates, List.of()));
            }
        }
        log.println("kith serve: bootstrapped " + all.size() + " relationships from " + file);
        log.flush();
    }
}
