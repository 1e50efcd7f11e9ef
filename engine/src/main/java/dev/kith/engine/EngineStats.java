package dev.kith.engine;

/**
 * The size of an engine's in-memory index, cheap to read at any time (counters kept as the index changes, no
 * scan).
 *
 * @param relationships relationships held in the index at the applied revision (expired ones count until
 *     they are removed)
 * @param objects object ids interned so far, over all types (ids stay interned after their relationships are
 *     deleted; the wildcard {@code *} of each type is not counted)
 * @param appliedRevision the newest revision this node has applied
 */
public record EngineStats(long relationships, long objects, Revision appliedRevision) {}
