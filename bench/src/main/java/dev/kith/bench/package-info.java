/** The {@code kith-bench} command line: dataset generation and HTTP load runs. */
package dev.kith.bench;
