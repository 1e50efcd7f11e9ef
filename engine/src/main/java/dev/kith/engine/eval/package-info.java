/** Evaluation of read, check, expand and the lookups over the index at a pinned revision and schema. */
package dev.kith.engine.eval;
