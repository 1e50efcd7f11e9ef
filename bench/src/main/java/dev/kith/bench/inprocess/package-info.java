/** Benchmarks that drive kith's engine inside this process: loading a dataset, verifying and timing checks and lookups. */
package dev.kith.bench.inprocess;
