/** Evaluation of check, expand and the lookups over the index, and the engine that ties store, index and schema. */
package dev.kith.engine.eval;
