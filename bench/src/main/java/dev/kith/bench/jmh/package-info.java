/** JMH micro-benchmarks, organised like the modules they measure. */
package dev.kith.bench.jmh;
