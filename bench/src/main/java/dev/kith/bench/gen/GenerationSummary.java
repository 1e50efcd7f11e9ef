package dev.kith.bench.gen;

/**
 * What one generation wrote.
 *
 * @param dataset the dataset generated
 * @param relationships relationship lines written
 * @param queries query lines written
 * @param lookups lookup lines written
 */
public record GenerationSummary(Dataset dataset, long relationships, long queries, long lookups) {}
