/** Seeded generators of the benchmark datasets, each computing its own expected answers with plain collections. */
package dev.kith.bench.gen;
