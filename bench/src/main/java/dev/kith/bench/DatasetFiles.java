package dev.kith.bench;

import dev.kith.bench.data.DataFormatException;
import dev.kith.bench.data.DatasetReader;
import dev.kith.bench.data.RelationshipLines;
import dev.kith.bench.handwritten.HandEvaluator;
import dev.kith.bench.handwritten.HandEvaluators;
import dev.kith.bench.inprocess.LoadedDataset;
import dev.kith.engine.KithException;
import dev.kith.engine.Relationship;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The {@code --schema} and {@code --relationships} options of the in-process commands, and loading them into kith
 * and into the hand-written evaluator.
 */
final class DatasetFiles {
    @Option(names = "--schema", required = true, description = "schema file (schema.zed)")
    private Path schema;

    @Option(names = "--relationships", required = true, description = "relationships file (relationships.txt)")
    private Path relationships;

    @Option(
            names = "--no-closure",
            description = "turn the engine's closure index off, to compare with it on (the default)")
    private boolean noClosure;

    /** A new in-memory engine holding the dataset. */
    LoadedDataset load() throws IOException {
        return CommandInputs.load(
                schema, relationships, dev.kith.engine.EngineOptions.defaults().withClosureIndex(!noClosure));
    }

    /**
     * The hand-written evaluator of the dataset, built from the relationships file, when the schema is one of the
     * generated datasets'; empty for any other schema.
     */
    Optional<HandEvaluator> handwritten() throws IOException {
        try {
            return HandEvaluators.load(DatasetReader.readSchema(schema), relationships);
        } catch (DataFormatException e) {
            throw new BenchMain.UsageException(e.getMessage());
        }
    }

    /** The first relationship of the file, as the engine parses it: the template of the relationships written. */
    Relationship firstRelationship() throws IOException {
        try (RelationshipLines lines = RelationshipLines.open(relationships)) {
            if (!lines.hasNext()) throw new BenchMain.UsageException(relationships + ": no relationships");
            String line = lines.next();
            try {
                return Relationship.parse(line);
            } catch (KithException e) {
                throw new BenchMain.UsageException(lines.failure(e.getMessage()).getMessage());
            }
        } catch (NoSuchFileException e) {
            throw new BenchMain.UsageException("no such relationships file: " + relationships);
        }
    }

    /**
     * The relationships of the file that link an object to another of its type through the same relation as a
     * subject set ({@code group:a#member@group:b#member}): the links of nested groups, which are few beside the
     * rest and the only ones {@code write-costs} moves.
     */
    java.util.List<Relationship> selfRecursiveLinks() throws IOException {
        java.util.List<Relationship> links = new java.util.ArrayList<>();
        try (RelationshipLines lines = RelationshipLines.open(relationships)) {
            while (lines.hasNext()) {
                String line = lines.next();
                Relationship r;
                try {
                    r = Relationship.parse(line);
                } catch (KithException e) {
                    throw new BenchMain.UsageException(
                            lines.failure(e.getMessage()).getMessage());
                }
                if (r.resource().type().equals(r.subject().type())
                        && r.relation().equals(r.subject().relation())) {
                    links.add(r);
                }
            }
        } catch (NoSuchFileException e) {
            throw new BenchMain.UsageException("no such relationships file: " + relationships);
        }
        return links;
    }
}
