/** The benchmark dataset files (schema, relationships, queries, lookups): their records, streaming readers and writer. */
package dev.kith.bench.data;
