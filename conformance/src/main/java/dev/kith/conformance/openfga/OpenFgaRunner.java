package dev.kith.conformance.openfga;

import dev.kith.conformance.openfga.FgaScenario.Answer;
import dev.kith.conformance.openfga.FgaScenario.Assertion;
import dev.kith.conformance.openfga.FgaScenario.Contains;
import dev.kith.conformance.openfga.FgaScenario.ErrorCode;
import dev.kith.conformance.openfga.FgaScenario.Exactly;
import dev.kith.conformance.openfga.FgaScenario.Expect;
import dev.kith.engine.Caveat;
import dev.kith.engine.Engine;
import dev.kith.engine.KithException;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Permissionship;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipUpdate;
import dev.kith.engine.Requests;
import dev.kith.engine.Results;
import dev.kith.engine.SubjectRef;
import dev.kith.schema.SchemaException;
import dev.kith.schema.openfga.OpenFga;
import dev.kith.schema.openfga.OpenFgaModel;
import dev.kith.schema.openfga.OpenFgaNames;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Runs OpenFGA's test files against kith: for each {@link FgaScenario} the model is translated ({@link
 * OpenFga}), written with its tuples into a fresh engine, and every assertion is asked of the engine and compared
 * with OpenFGA's expected answer (lookups as sets).
 *
 * <p>How OpenFGA's answers map to kith's:
 *
 * <ul>
 *   <li>{@code expectation: true/false} is HAS / NO. A CONDITIONAL answer (a condition parameter missing) agrees
 *       only with {@code errorCode: 2000}: OpenFGA reports a missing condition parameter as that error.
 *   <li>{@code errorCode: 2002} (resolution too complex) agrees with kith's depth error, with engines at
 *       OpenFGA's depth limit ({@link #OPENFGA_DEPTH_LIMIT}); any other {@code errorCode} (2000 validation error,
 *       2021, 2022, 2027, …) agrees with kith refusing the request as bad input ({@code InvalidArgument}, {@code
 *       NotFound}).
 *   <li>A lookup answer holding CONDITIONAL results agrees with {@code errorCode: 2000} as well; compared with an
 *       expected list it is a failure.
 *   <li>Contextual tuples are sent as kith's contextual relationships (translated as the stored tuples are); a
 *       contextual tuple the model cannot hold is sent as it is, for kith to refuse as bad input, as OpenFGA
 *       refuses it (2027).
 *   <li>Tuples the model does not allow are ignored (OpenFGA's staged tests keep tuples across stages while the
 *       model changes) and counted.
 *   <li>Where OpenFGA and kith (SpiceDB's semantics) differ by design, the assertion is counted under the
 *       difference's name ({@link FgaDifferences}), not passed.
 * </ul>
 */
public final class OpenFgaRunner {
    /**
     * OpenFGA's default resolution depth (its {@code resolveNodeLimit}); engines for OpenFGA's tests use it, so
     * that a model that is "too complex" for OpenFGA is for kith too.
     */
    public static final int OPENFGA_DEPTH_LIMIT = 25;

    /** OpenFGA's error code for a validation error, which includes a missing condition parameter. */
    private static final int MISSING_PARAMETER_OR_VALIDATION = 2000;

    /** OpenFGA's error code for a query that exceeds the resolution depth. */
    private static final int RESOLUTION_TOO_COMPLEX = 2002;

    private final Supplier<Engine> engines;

    /** @param engines makes a new, empty engine for each scenario (closed after it) */
    public OpenFgaRunner(Supplier<Engine> engines) {
        this.engines = Objects.requireNonNull(engines, "engines");
    }

    /** Loads and runs one test file. */
    public OpenFgaReport run(Path file) {
        Tally tally = new Tally();
        try {
            List<FgaSuiteLoader.LanguageCase> cases = FgaSuiteLoader.loadLanguageCases(file);
            if (cases != null) {
                cases.forEach(c -> run(c, tally));
                return tally.report(file);
            }
            for (FgaScenario scenario : FgaSuiteLoader.load(file)) {
                run(scenario, tally);
            }
        } catch (FgaSuiteLoader.LoadException e) {
            tally.fail(file + ": " + e.getMessage());
        }
        return tally.report(file);
    }

    /**
     * A DSL validation case: the translator must accept a valid model and reject an invalid one. Cases upstream
     * marks {@code skip} are skipped here too.
     */
    private static void run(FgaSuiteLoader.LanguageCase c, Tally tally) {
        if (c.skip()) {
            tally.skipped++;
            return;
        }
        String refusal = null;
        String difference = null;
        try {
            OpenFga.translate(c.name(), c.dsl());
        } catch (SchemaException e) {
            refusal = e.getMessage();
            difference = FgaDifferences.ofModel(e);
        }
        if (c.valid() == (refusal == null)) {
            tally.passed++;
        } else if (difference != null) {
            tally.difference(difference);
        } else if (c.valid()) {
            tally.fail(c.name() + ": OpenFGA accepts the model, kith's translator refused it:\n" + refusal);
        } else {
            tally.fail(c.name() + ": OpenFGA rejects the model, kith's translator accepted it");
        }
    }

    private void run(FgaScenario scenario, Tally tally) {
        OpenFgaModel model;
        try {
            model = OpenFga.translate(scenario.name(), scenario.model());
        } catch (SchemaException e) {
            String difference = FgaDifferences.ofModel(e);
            for (Assertion a : scenario.assertions()) {
                if (difference != null) {
                    tally.difference(difference);
                } else {
                    tally.fail(a.label() + ": the model does not translate: " + e.getMessage());
                }
            }
            return;
        }
        try (Engine engine = engines.get()) {
            engine.writeSchema(model.kithSchema());
            tally.ignoredTuples += write(engine, model.names(), scenario.tuples());
            for (Assertion a : scenario.assertions()) {
                Found found = ask(engine, model.names(), a);
                String mismatch = compare(a, found);
                if (mismatch == null) {
                    tally.passed++;
                } else if (mismatch.equals(SKIPPED)) {
                    tally.skipped++;
                } else {
                    String difference = FgaDifferences.of(model, a, found);
                    if (difference != null) {
                        tally.difference(difference);
                    } else {
                        tally.fail(a.label() + ": " + mismatch);
                    }
                }
            }
        } catch (KithException e) {
            scenario.assertions()
                    .forEach(a -> tally.fail(a.label() + ": kith refused the scenario: " + e.getMessage()));
        }
    }

    /** Writes the tuples the model allows; returns how many it does not (ignored). */
    private static int write(Engine engine, OpenFgaNames names, List<Map<String, Object>> tuples) {
        List<RelationshipUpdate> updates = new ArrayList<>();
        int ignored = 0;
        for (Map<String, Object> tuple : tuples) {
            Relationship r = relationship(names, tuple);
            if (r == null) {
                ignored++;
            } else {
                updates.add(RelationshipUpdate.touch(r));
            }
        }
        try {
            engine.write(new Requests.Write(updates, List.of()));
            return ignored;
        } catch (KithException e) {
            for (RelationshipUpdate update : updates) {
                try {
                    engine.write(new Requests.Write(List.of(update), List.of()));
                } catch (KithException refused) {
                    ignored++;
                }
            }
            return ignored;
        }
    }

    /** The kith relationship of an OpenFGA tuple, or null if the model cannot hold it. */
    private static Relationship relationship(OpenFgaNames names, Map<String, Object> tuple) {
        try {
            String relation = names.tupleRelation(
                    String.valueOf(tuple.get("object")).split(":", 2)[0], String.valueOf(tuple.get("relation")));
            return relation == null ? null : relationship(names, tuple, relation);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The contextual relationships of an assertion's contextual tuples. A tuple on a relation the model cannot hold
     * keeps its relation name, so that kith refuses it; a malformed one is an {@link IllegalArgumentException}.
     */
    private static List<Relationship> contextual(OpenFgaNames names, List<Map<String, Object>> tuples) {
        List<Relationship> out = new ArrayList<>(tuples.size());
        for (Map<String, Object> tuple : tuples) {
            String object = String.valueOf(tuple.get("object"));
            String relation = String.valueOf(tuple.get("relation"));
            String kith = names.tupleRelation(object.split(":", 2)[0], relation);
            out.add(relationship(names, tuple, kith == null ? relation : kith));
        }
        return out;
    }

    /** The tuple as a kith relationship on {@code relation}. */
    private static Relationship relationship(OpenFgaNames names, Map<String, Object> tuple, String relation) {
        ObjectRef object = object(names, String.valueOf(tuple.get("object")));
        Caveat caveat = null;
        if (tuple.get("condition") instanceof Map<?, ?> condition) {
            String name = String.valueOf(condition.get("name"));
            String kithName = names.condition(name);
            @SuppressWarnings("unchecked")
            Map<String, Object> context = (Map<String, Object>) condition.get("context");
            caveat = new Caveat(kithName == null ? name : kithName, context);
        }
        return new Relationship(object, relation, subject(names, String.valueOf(tuple.get("user"))), caveat, null);
    }

    /**
     * What kith answered: for a check {@code allowed} (HAS) or {@code conditional} (CONDITIONAL) hold the one
     * item {@code "allowed"}; for a lookup, the OpenFGA strings of what it found. {@code error} is set when kith
     * refused or failed the request; {@code badInput} when that was for bad input.
     */
    record Found(Set<String> allowed, Set<String> conditional, String error, Refusal refusal) {
        /** Why kith refused a request. */
        enum Refusal {
            NONE,
            BAD_INPUT,
            DEPTH,
            OTHER
        }

        static Found error(String message, Refusal refusal) {
            return new Found(Set.of(), Set.of(), message, refusal);
        }

        boolean badInput() {
            return refusal == Refusal.BAD_INPUT;
        }

        String describe() {
            if (error != null) {
                return switch (refusal) {
                            case BAD_INPUT -> "refused it as bad input: ";
                            case DEPTH -> "ran out of depth: ";
                            default -> "failed: ";
                        }
                        + error;
            }
            return allowed + (conditional.isEmpty() ? "" : " and CONDITIONAL " + conditional);
        }
    }

    static final String ALLOWED = "allowed";
    private static final String SKIPPED = "skipped";

    private static Found ask(Engine engine, OpenFgaNames names, Assertion assertion) {
        try {
            List<Relationship> contextual = contextual(names, assertion.contextualTuples());
            return switch (assertion) {
                case FgaScenario.Check c -> {
                    String type = c.object().split(":", 2)[0];
                    Results.Check result = engine.check(new Requests.Check(
                            object(names, c.object()),
                            relation(names, type, c.relation()),
                            subject(names, c.user()),
                            c.context(),
                            null,
                            false,
                            contextual));
                    yield switch (result.permissionship()) {
                        case HAS_PERMISSION -> new Found(Set.of(ALLOWED), Set.of(), null, Found.Refusal.NONE);
                        case CONDITIONAL_PERMISSION -> new Found(Set.of(), Set.of(ALLOWED), null, Found.Refusal.NONE);
                        case NO_PERMISSION -> new Found(Set.of(), Set.of(), null, Found.Refusal.NONE);
                    };
                }
                case FgaScenario.ListObjects l -> {
                    String kithType = names.type(l.type());
                    Results.Page<Results.LookupResource> page = engine.lookupResources(new Requests.LookupResources(
                            kithType == null ? l.type() : kithType,
                            relation(names, l.type(), l.relation()),
                            subject(names, l.user()),
                            l.context(),
                            null,
                            null,
                            0,
                            contextual));
                    Set<String> allowed = new TreeSet<>();
                    Set<String> conditional = new TreeSet<>();
                    for (Results.LookupResource r : page.items()) {
                        (r.permissionship() == Permissionship.HAS_PERMISSION ? allowed : conditional)
                                .add(l.type() + ":" + r.resourceId());
                    }
                    yield new Found(allowed, conditional, null, Found.Refusal.NONE);
                }
                case FgaScenario.ListUsers l -> listUsers(engine, names, l, contextual);
            };
        } catch (KithException.InvalidArgument | KithException.NotFound | IllegalArgumentException e) {
            return Found.error(e.getMessage(), Found.Refusal.BAD_INPUT);
        } catch (KithException.MaxDepthExceeded e) {
            return Found.error(e.getMessage(), Found.Refusal.DEPTH);
        } catch (KithException e) {
            return Found.error(e.getMessage(), Found.Refusal.OTHER);
        }
    }

    private static Found listUsers(
            Engine engine, OpenFgaNames names, FgaScenario.ListUsers l, List<Relationship> contextual) {
        String objectType = l.object().split(":", 2)[0];
        Set<String> allowed = new TreeSet<>();
        Set<String> conditional = new TreeSet<>();
        for (String filter : l.filters()) {
            String[] parts = filter.split("#", 2);
            String kithType = names.type(parts[0]);
            String subjectRelation = parts.length == 2 ? relation(names, parts[0], parts[1]) : null;
            Results.Page<Results.LookupSubject> page = engine.lookupSubjects(new Requests.LookupSubjects(
                    object(names, l.object()),
                    relation(names, objectType, l.relation()),
                    kithType == null ? parts[0] : kithType,
                    subjectRelation,
                    l.context(),
                    null,
                    null,
                    0,
                    false,
                    contextual));
            for (Results.LookupSubject s : page.items()) {
                String user = parts[0] + ":" + s.subjectId() + (parts.length == 2 ? "#" + parts[1] : "");
                (s.permissionship() == Permissionship.HAS_PERMISSION ? allowed : conditional).add(user);
            }
        }
        return new Found(allowed, conditional, null, Found.Refusal.NONE);
    }

    /** Null when {@code found} agrees with what {@code assertion} expects, else why not (or {@link #SKIPPED}). */
    private static String compare(Assertion assertion, Found found) {
        Expect expect = assertion.expect();
        if (expect instanceof ErrorCode code) {
            boolean agrees = code.code() == RESOLUTION_TOO_COMPLEX
                    ? found.refusal() == Found.Refusal.DEPTH
                    : found.badInput()
                            || (code.code() == MISSING_PARAMETER_OR_VALIDATION
                                    && !found.conditional().isEmpty());
            return agrees ? null : "OpenFGA answers error " + code.code() + ", kith " + found.describe();
        }
        if (found.error() != null) {
            return "OpenFGA answers " + describe(expect) + ", kith " + found.describe();
        }
        return switch (expect) {
            case Answer answer -> {
                boolean agrees =
                        found.conditional().isEmpty() && found.allowed().isEmpty() != answer.allowed();
                yield agrees ? null : "OpenFGA answers " + answer.allowed() + ", kith " + checkAnswer(found);
            }
            case Exactly exactly -> {
                boolean agrees =
                        found.conditional().isEmpty() && found.allowed().equals(exactly.items());
                yield agrees
                        ? null
                        : "OpenFGA answers " + new TreeSet<>(exactly.items()) + ", kith " + found.describe();
            }
            case Contains contains -> {
                if (assertion instanceof FgaScenario.ListUsers users
                        && users.skipIfWildcard()
                        && found.allowed().stream().anyMatch(u -> u.endsWith(":*"))) {
                    yield SKIPPED;
                }
                boolean agrees = found.allowed().contains(contains.item()) == contains.present()
                        && !found.conditional().contains(contains.item());
                yield agrees
                        ? null
                        : "OpenFGA answers " + (contains.present() ? "" : "without ") + contains.item() + ", kith "
                                + found.describe();
            }
            case ErrorCode code -> throw new IllegalStateException("handled above");
        };
    }

    private static String checkAnswer(Found found) {
        return !found.allowed().isEmpty() ? "true" : !found.conditional().isEmpty() ? "CONDITIONAL" : "false";
    }

    private static String describe(Expect expect) {
        return switch (expect) {
            case Answer answer -> String.valueOf(answer.allowed());
            case Exactly exactly -> new TreeSet<>(exactly.items()).toString();
            case Contains contains -> (contains.present() ? "with " : "without ") + contains.item();
            case ErrorCode code -> "error " + code.code();
        };
    }

    /** {@code type:id} with kith's type name. */
    private static ObjectRef object(OpenFgaNames names, String object) {
        String[] parts = object.split(":", 2);
        if (parts.length != 2) {
            throw new IllegalArgumentException("`" + object + "` is not an object (type:id)");
        }
        String kithType = names.type(parts[0]);
        return new ObjectRef(kithType == null ? parts[0] : kithType, parts[1]);
    }

    /** {@code type:id}, {@code type:*} or {@code type:id#relation}, with kith's names. */
    private static SubjectRef subject(OpenFgaNames names, String user) {
        String[] parts = user.split(":", 2);
        if (parts.length != 2) {
            throw new IllegalArgumentException("`" + user + "` is not a user (type:id, type:*, type:id#relation)");
        }
        String kithType = names.type(parts[0]);
        String type = kithType == null ? parts[0] : kithType;
        int hash = parts[1].indexOf('#');
        if (hash < 0) {
            return new SubjectRef(type, parts[1], null);
        }
        return new SubjectRef(
                type, parts[1].substring(0, hash), relation(names, parts[0], parts[1].substring(hash + 1)));
    }

    /** The kith relation that answers {@code relation} on {@code type}; the name itself when the model lacks it. */
    private static String relation(OpenFgaNames names, String type, String relation) {
        String kith = names.relation(type, relation);
        return kith == null ? relation : kith;
    }

    /** Counts of one file's outcomes. */
    private static final class Tally {
        int passed;
        int skipped;
        int ignoredTuples;
        final Map<String, Integer> notSupported = new TreeMap<>();
        final Map<String, Integer> differences = new TreeMap<>();
        final List<String> failures = new ArrayList<>();

        void fail(String message) {
            failures.add(message);
        }

        void difference(String name) {
            differences.merge(name, 1, Integer::sum);
        }

        OpenFgaReport report(Path file) {
            return new OpenFgaReport(
                    file, passed, failures.size(), skipped, notSupported, differences, ignoredTuples, failures);
        }
    }
}
