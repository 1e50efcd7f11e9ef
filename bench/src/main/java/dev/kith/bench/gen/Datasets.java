package dev.kith.bench.gen;

import dev.kith.bench.data.DatasetFiles;
import dev.kith.bench.data.DatasetWriter;
import java.io.IOException;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Collectors;

/** Generates a dataset's four files; the same dataset, scale and seed always produce the same bytes. */
public final class Datasets {
    /** The seed used when none is given. */
    public static final long DEFAULT_SEED = 20_261_126L;

    private Datasets() {}

    /**
     * Writes {@code dataset} at {@code scale} (1.0 is the nominal size; it multiplies every population) from
     * {@code seed} into {@code files}, replacing files of the same names.
     */
    public static GenerationSummary generate(Dataset dataset, DatasetFiles files, double scale, long seed)
            throws IOException {
        if (!(scale > 0) || Double.isInfinite(scale) || scale > 100) {
            throw new IllegalArgumentException("scale must be greater than 0 and at most 100, got " + scale);
        }
        Generator generator = generator(dataset, scale, new Random(seed));
        try (DatasetWriter out = DatasetWriter.create(files, generator.schema())) {
            generator.write(out);
            return new GenerationSummary(dataset, out.relationshipCount(), out.queryCount(), out.lookupCount());
        }
    }

    /** The dataset whose schema is {@code schemaText} (compared line by line, ignoring indentation and blank lines). */
    public static Optional<Dataset> withSchema(String schemaText) {
        String wanted = normalized(schemaText);
        for (Dataset dataset : Dataset.values()) {
            if (normalized(generator(dataset, 1, new Random(0)).schema()).equals(wanted)) {
                return Optional.of(dataset);
            }
        }
        return Optional.empty();
    }

    private static String normalized(String schema) {
        return schema.lines().map(String::strip).filter(line -> !line.isEmpty()).collect(Collectors.joining("\n"));
    }

    private static Generator generator(Dataset dataset, double scale, Random random) {
        return switch (dataset) {
            case GITHUB -> new GithubGenerator(scale, random, false);
            case CAVEATS -> new GithubGenerator(scale, random, true);
            case DRIVE -> new DriveGenerator(scale, random);
            case DEEP -> new DeepGenerator(scale);
            case GROUPS -> new GroupsGenerator(scale, random);
            case DRIVE_DEEP -> new DriveDeepGenerator(scale, random);
            case WIDE -> new WideGenerator(scale, random);
            case DOCS -> new DocsGenerator(scale, random);
        };
    }
}
