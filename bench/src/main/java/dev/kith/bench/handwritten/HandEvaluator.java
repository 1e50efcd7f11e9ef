package dev.kith.bench.handwritten;

import dev.kith.bench.data.Lookup;
import dev.kith.bench.data.Query;

/**
 * Answers one dataset shape's checks and lookups with code written for that shape alone: ids interned to ints
 * when the relationships are read, the data in plain arrays, and whatever a careful engineer would precompute
 * (each implementation says what). Queries are prepared before they are timed, as kith's are turned into
 * request records first.
 */
public interface HandEvaluator {
    /** The answer of a check: denied. */
    int FALSE = 0;
    /** The answer of a check: allowed. */
    int TRUE = 1;
    /** The answer of a check: the depth limit was exceeded. */
    int ERROR = 2;
    /** The answer of a check: allowed only if a caveat the request gave no context for holds. */
    int CONDITIONAL = 3;

    /** Which dataset shapes this evaluator was written for, for reports. */
    String name();

    /** The query with its ids resolved, ready to answer; an id the data never names matches nothing. */
    Prepared prepare(Query query);

    /** How many resources a lookup-resources call returns (conditional results included). */
    long lookupCount(Lookup lookup);

    /** A check with its ids resolved. */
    interface Prepared {
        /** {@link #FALSE}, {@link #TRUE}, {@link #ERROR} or {@link #CONDITIONAL}. */
        int answer();
    }

    /** The word a queries file uses for an answer: true, false, error or conditional. */
    static String word(int answer) {
        return switch (answer) {
            case FALSE -> "false";
            case TRUE -> "true";
            case ERROR -> "error";
            case CONDITIONAL -> "conditional";
            default -> throw new IllegalArgumentException("no answer " + answer);
        };
    }
}
