package dev.kith.bench.gen;

import dev.kith.bench.data.DatasetWriter;

/** One dataset's generator: its schema, then its relationships, queries and lookups with their expected answers. */
interface Generator {
    /** The schema text, in the SpiceDB schema language. */
    String schema();

    /** Builds the data from the seed and writes every line to {@code out}. */
    void write(DatasetWriter out);

    /** Scales a population: {@code base × scale}, rounded, at least {@code min}. */
    static int scaled(int base, double scale, int min) {
        return (int) Math.max(min, Math.round(base * scale));
    }
}
