package dev.kith.bench.handwritten;

import dev.kith.bench.data.RelationshipLines;
import dev.kith.bench.gen.Dataset;
import dev.kith.bench.gen.Datasets;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;

/** Picks and builds the hand-written evaluator of a dataset, recognised by its schema. */
public final class HandEvaluators {
    private HandEvaluators() {}

    /**
     * The hand-written evaluator for the relationships file, if {@code schemaText} is the schema of one of the
     * generated datasets (compared line by line, ignoring indentation and blank lines); empty otherwise.
     *
     * @throws dev.kith.bench.data.DataFormatException naming the file and line when a line is not one the
     *     evaluator was written for
     */
    public static Optional<HandEvaluator> load(String schemaText, Path relationships) throws IOException {
        Optional<Dataset> dataset = Datasets.withSchema(schemaText);
        if (dataset.isEmpty()) return Optional.empty();
        try (RelationshipLines lines = RelationshipLines.open(relationships)) {
            Iterable<Tuple> tuples = () -> new Parsed(lines);
            try {
                return Optional.of(
                        switch (dataset.get()) {
                            case GITHUB, CAVEATS -> new GithubEvaluator(tuples);
                            case DRIVE, DRIVE_DEEP, DOCS, GROUPS -> new DriveEvaluator(tuples);
                            case DEEP -> new DeepEvaluator(tuples);
                            case WIDE -> new WideEvaluator(tuples);
                        });
            } catch (IllegalArgumentException e) {
                // the evaluators take each line as it is read, so the line read last is the one refused
                throw lines.failure(e.getMessage());
            }
        }
    }

    /** The lines parsed one by one; a line the evaluator cannot take fails naming its file and line number. */
    private static final class Parsed implements Iterator<Tuple> {
        private final RelationshipLines lines;

        Parsed(RelationshipLines lines) {
            this.lines = lines;
        }

        @Override
        public boolean hasNext() {
            return lines.hasNext();
        }

        @Override
        public Tuple next() {
            if (!hasNext()) throw new NoSuchElementException();
            try {
                return Tuple.parse(lines.next());
            } catch (IllegalArgumentException e) {
                throw lines.failure(e.getMessage());
            }
        }
    }
}
