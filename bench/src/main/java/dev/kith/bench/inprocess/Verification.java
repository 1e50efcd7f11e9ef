package dev.kith.bench.inprocess;

import dev.kith.bench.data.Expectation;
import dev.kith.bench.data.Query;
import dev.kith.bench.handwritten.HandEvaluator;
import dev.kith.engine.Engine;
import dev.kith.engine.KithException;
import dev.kith.engine.Permissionship;
import dev.kith.engine.Requests;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The outcome of checking every query that states an expectation: {@code true} must be HAS_PERMISSION, {@code
 * false} NO_PERMISSION, {@code error} a depth error ({@link KithException.MaxDepthExceeded}); any other
 * answer, or any other error, is a mismatch.
 *
 * @param verified how many queries had an expectation and were checked
 * @param mismatches how many of them got another answer
 * @param examples the first few mismatches, one line each
 */
public record Verification(long verified, long mismatches, List<String> examples) {
    private static final int MAX_EXAMPLES = 10;

    public Verification {
        examples = List.copyOf(examples);
    }

    /** Checks {@code queries} against {@code engine}, one at a time on this thread. */
    public static Verification run(Engine engine, List<Query> queries) {
        return run(queries, query -> answer(engine, EngineRequests.check(query)));
    }

    /** Checks {@code queries} against a hand-written evaluator, by the same rules. */
    public static Verification runHandwritten(HandEvaluator evaluator, List<Query> queries) {
        return run(queries, query -> HandEvaluator.word(evaluator.prepare(query).answer()));
    }

    private static Verification run(List<Query> queries, Function<Query, String> answers) {
        long verified = 0;
        long mismatches = 0;
        List<String> examples = new ArrayList<>();
        for (Query query : queries) {
            if (query.expected() == Expectation.NONE) continue;
            verified++;
            String answer = answers.apply(query);
            if (!answer.equals(query.expected().word())) {
                mismatches++;
                if (examples.size() < MAX_EXAMPLES) {
                    examples.add(query.toLine() + " -> " + answer);
                }
            }
        }
        return new Verification(verified, mismatches, examples);
    }

    /** The answer in the words of the queries file: true, false, error, conditional, or the failure. */
    private static String answer(Engine engine, Requests.Check check) {
        try {
            Permissionship p = engine.check(check).permissionship();
            return switch (p) {
                case HAS_PERMISSION -> Expectation.TRUE.word();
                case NO_PERMISSION -> Expectation.FALSE.word();
                case CONDITIONAL_PERMISSION -> "conditional";
            };
        } catch (KithException.MaxDepthExceeded e) {
            return Expectation.ERROR.word();
        } catch (KithException e) {
            return "failure (" + e.getMessage() + ")";
        }
    }
}
