/** Evaluation of caveats: CEL programs over a relationship's stored context laid over the request context. */
package dev.kith.engine.caveat;
