/**
 * Hand-written evaluators: for each dataset shape of {@code dev.kith.bench.gen}, the plain Java code over int ids
 * and arrays that answers its checks and lookups, the memory-speed yardstick kith's engine is compared with.
 */
package dev.kith.bench.handwritten;
