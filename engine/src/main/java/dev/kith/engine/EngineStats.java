package dev.kith.engine;

import java.util.List;

/**
 * The size of an engine's in-memory index, cheap to read at any time (counters kept as the index changes, no
 * scan).
 *
 * @param relationships relationships held in the index at the applied revision (expired ones count until
 *     they are removed)
 * @param objects object ids interned so far, over all types (ids stay interned after their relationships are
 *     deleted; the wildcard {@code *} of each type is not counted)
 * @param appliedRevision the newest revision this node has applied
 * @param closureBytes the heap held by the transitive-closure index at the applied revision (0 when it is off)
 * @param closures per self-recursive relation, what the closure index decided and what it holds (empty when it is
 *     off)
 */
public record EngineStats(
        long relationships, long objects, Revision appliedRevision, long closureBytes, List<Closure> closures) {

    public EngineStats {
        closures = List.copyOf(closures);
    }

    /** Stats of an index without closures. */
    public EngineStats(long relationships, long objects, Revision appliedRevision) {
        this(relationships, objects, appliedRevision, 0, List.of());
    }

    /**
     * The closure of one self-recursive relation (a relation whose relationships name subject sets of itself, such
     * as {@code group#member} holding {@code group:ops#member}).
     *
     * @param relation {@code type#relation}
     * @param kept whether checks and lookups answer from the closure; false once it outgrew the cost model (see
     *     {@code reason}), after which the relation is walked as without the index
     * @param links the relation's unconditional links to itself (caveated and expiring ones are walked, not
     *     closed)
     * @param entries the sum over objects of the objects each reaches (0 when not kept)
     * @param bytes the heap its entries hold (0 when not kept)
     * @param maxHeight the most hops a walk of its unconditional links can try from any object
     * @param reason why it was dropped, or empty
     */
    public record Closure(
            String relation, boolean kept, long links, long entries, long bytes, int maxHeight, String reason) {}
}
