package dev.kith.conformance.openfga;

import dev.kith.conformance.openfga.FgaScenario.Answer;
import dev.kith.conformance.openfga.FgaScenario.Assertion;
import dev.kith.conformance.openfga.FgaScenario.Contains;
import dev.kith.conformance.openfga.FgaScenario.ErrorCode;
import dev.kith.conformance.openfga.FgaScenario.Exactly;
import dev.kith.engine.RelationshipParser;
import dev.kith.schema.AllowedSubject;
import dev.kith.schema.CaveatDef;
import dev.kith.schema.Definition;
import dev.kith.schema.RelationDef;
import dev.kith.schema.Rewrite;
import dev.kith.schema.SchemaException;
import dev.kith.schema.ValidatedSchema;
import dev.kith.schema.openfga.OpenFgaModel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The documented semantic differences between OpenFGA and kith (which follows SpiceDB, plus kith's cycle rule),
 * each with a name and a test that decides from the model and the request, never from the test's name, whether
 * it explains a mismatch. An explained mismatch is reported under the difference's name, never passed; every
 * other mismatch is a failure.
 */
final class FgaDifferences {
    /** OpenFGA accepts relations defined in terms of each other on one object; kith refuses such a permission. */
    static final String COMPUTED_CYCLE = "relations defined in terms of each other on one object (OpenFGA accepts"
            + " them when each has an entrypoint; kith, like SpiceDB, refuses a permission defined in terms of itself)";

    /** OpenFGA's list-users fails on any missing condition parameter it meets; kith answers what it decided. */
    static final String LIST_USERS_MISSING_PARAMETER = "list-users with a condition parameter missing on some path"
            + " (OpenFGA fails the call with error 2000; kith returns the users it decided, CONDITIONAL ones marked)";

    /** kith cuts a path that returns to an (object, relation) already on it; OpenFGA answers false. */
    static final String CYCLE_THROUGH_EXCLUSION = "a cycle through the excluded side of `but not` (kith cuts the"
            + " path that returns to an (object, relation) already on it, so the cycle excludes nobody; OpenFGA"
            + " answers false)";

    /** OpenFGA allows ids kith does not. */
    static final String OBJECT_ID_CHARACTERS = "object ids with characters outside kith's (SpiceDB's) id alphabet"
            + " [a-zA-Z0-9/_|-=+], such as '(' and ')'";

    /** A wildcard user in a check or list-objects: OpenFGA answers it, kith refuses it as SpiceDB does. */
    static final String WILDCARD_USER = "a check or list-objects whose user is a wildcard such as `user:*` (OpenFGA"
            + " answers it from stored wildcards; kith, like SpiceDB, refuses it as INVALID_ARGUMENT)";

    /** A stored wildcard grants a userset of its type in kith and SpiceDB, not in OpenFGA. */
    static final String WILDCARD_GRANTS_USERSET = "a stored wildcard `T:*` matched by a userset user `T:id#rel`"
            + " (kith, like SpiceDB, grants it: the wildcard stands for every subject of type T; OpenFGA does not)";

    private FgaDifferences() {}

    /** The difference that explains why a model OpenFGA accepts does not translate, or null. */
    static String ofModel(SchemaException e) {
        return e.getMessage().contains("is defined in terms of itself") ? COMPUTED_CYCLE : null;
    }

    /** The difference that explains kith's answer {@code found} to {@code assertion}, or null. */
    static String of(OpenFgaModel model, Assertion assertion, OpenFgaRunner.Found found) {
        if (mentionsForeignId(assertion)) {
            return OBJECT_ID_CHARACTERS;
        }
        String user = switch (assertion) {
            case FgaScenario.Check c -> c.user();
            case FgaScenario.ListObjects l -> l.user();
            case FgaScenario.ListUsers l -> null;
        };
        if (user != null
                && user.endsWith(":*")
                && found.refusal() == OpenFgaRunner.Found.Refusal.BAD_INPUT
                && found.error() != null
                && (found.error().contains("cannot perform check on wildcard subject")
                        || found.error().contains("cannot perform lookup resources on wildcard"))) {
            return WILDCARD_USER;
        }
        if (assertion instanceof FgaScenario.ListUsers users
                && users.expect() instanceof ErrorCode code
                && code.code() == 2000
                && found.error() == null
                && missesAParameter(model.schema(), assertion)) {
            return LIST_USERS_MISSING_PARAMETER;
        }
        boolean expectsDenial = switch (assertion.expect()) {
            case Answer answer -> !answer.allowed();
            case Exactly exactly -> true;
            case Contains contains -> !contains.present();
            case ErrorCode code -> false;
        };
        if (expectsDenial && found.error() == null && !found.allowed().isEmpty()) {
            String[] asked = switch (assertion) {
                case FgaScenario.Check c -> new String[] {c.object().split(":", 2)[0], c.relation()};
                case FgaScenario.ListObjects l -> new String[] {l.type(), l.relation()};
                case FgaScenario.ListUsers l -> new String[] {l.object().split(":", 2)[0], l.relation()};
            };
            if (user != null && user.contains("#") && allowsWildcardOf(model, user.split(":", 2)[0])) {
                return WILDCARD_GRANTS_USERSET;
            }
            String type = model.names().type(asked[0]);
            String relation = model.names().relation(asked[0], asked[1]);
            if (type != null && relation != null && cycleThroughExclusion(model.schema(), type, relation)) {
                return CYCLE_THROUGH_EXCLUSION;
            }
        }
        return null;
    }

    /** Whether some relation of the model allows the wildcard of OpenFGA type {@code fgaType}. */
    private static boolean allowsWildcardOf(OpenFgaModel model, String fgaType) {
        String type = model.names().type(fgaType);
        for (Definition definition : model.schema().definitions().values()) {
            for (RelationDef relation : definition.relations().values()) {
                for (AllowedSubject subject : relation.allowedSubjects()) {
                    if (subject.wildcard() && subject.type().equals(type)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Whether the assertion names an object or user whose id kith's id alphabet does not allow. */
    private static boolean mentionsForeignId(Assertion assertion) {
        List<String> names = new ArrayList<>();
        switch (assertion) {
            case FgaScenario.Check c -> {
                names.add(c.object());
                names.add(c.user());
            }
            case FgaScenario.ListObjects l -> names.add(l.user());
            case FgaScenario.ListUsers l -> names.add(l.object());
        }
        if (assertion.expect() instanceof Contains contains) {
            names.add(contains.item());
        }
        for (String name : names) {
            String[] parts = name.split(":", 2);
            if (parts.length == 2) {
                String id = parts[1].split("#", 2)[0];
                if (!id.equals("*") && !RelationshipParser.isObjectId(id)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean missesAParameter(ValidatedSchema schema, Assertion assertion) {
        for (CaveatDef caveat : schema.caveats().values()) {
            for (String parameter : caveat.parameters().keySet()) {
                if (!assertion.context().containsKey(parameter)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether some exclusion reachable from {@code type#relation} can, through its subtracted side, reach {@code
     * type#relation} again (over computed usersets, arrows and the subject sets relations allow): where kith's
     * cycle rule decides the answer.
     */
    static boolean cycleThroughExclusion(ValidatedSchema schema, String type, String relation) {
        String target = type + "#" + relation;
        Set<String> seen = new HashSet<>();
        Deque<String> work = new ArrayDeque<>(List.of(target));
        while (!work.isEmpty()) {
            String node = work.pop();
            if (!seen.add(node)) {
                continue;
            }
            String[] parts = node.split("#", 2);
            RelationDef def = schema.relation(parts[0], parts[1]);
            if (def == null) {
                continue;
            }
            List<Rewrite> subtracted = new ArrayList<>();
            List<String> next = new ArrayList<>();
            edges(schema, parts[0], def, def.rewrite(), next, subtracted);
            work.addAll(next);
            for (Rewrite s : subtracted) {
                List<String> start = new ArrayList<>();
                edges(schema, parts[0], def, s, start, new ArrayList<>());
                if (reaches(schema, start, target)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean reaches(ValidatedSchema schema, List<String> start, String target) {
        Set<String> seen = new HashSet<>();
        Deque<String> work = new ArrayDeque<>(start);
        while (!work.isEmpty()) {
            String node = work.pop();
            if (node.equals(target)) {
                return true;
            }
            if (!seen.add(node)) {
                continue;
            }
            String[] parts = node.split("#", 2);
            RelationDef def = schema.relation(parts[0], parts[1]);
            if (def != null) {
                List<String> next = new ArrayList<>();
                edges(schema, parts[0], def, def.rewrite(), next, new ArrayList<>());
                work.addAll(next);
            }
        }
        return false;
    }

    /** The (type#relation) nodes {@code rewrite} of {@code def} refers to; subtracted sides also into the list. */
    private static void edges(
            ValidatedSchema schema,
            String type,
            RelationDef def,
            Rewrite rewrite,
            List<String> out,
            List<Rewrite> subtracted) {
        switch (rewrite) {
            case Rewrite.Direct direct -> {
                for (AllowedSubject s : def.allowedSubjects()) {
                    if (s.relation() != null) {
                        out.add(s.type() + "#" + s.relation());
                    }
                }
            }
            case Rewrite.ComputedUserset computed -> out.add(type + "#" + computed.relation());
            case Rewrite.TupleToUserset arrow -> {
                Definition definition = schema.definition(type);
                RelationDef tupleset = definition == null ? null : definition.relation(arrow.tupleset());
                if (tupleset != null) {
                    for (AllowedSubject s : tupleset.allowedSubjects()) {
                        out.add(s.type() + "#" + arrow.computed());
                    }
                }
            }
            case Rewrite.Union union -> union.children().forEach(c -> edges(schema, type, def, c, out, subtracted));
            case Rewrite.Intersection intersection ->
                intersection.children().forEach(c -> edges(schema, type, def, c, out, subtracted));
            case Rewrite.Exclusion exclusion -> {
                edges(schema, type, def, exclusion.base(), out, subtracted);
                edges(schema, type, def, exclusion.subtracted(), out, subtracted);
                subtracted.add(exclusion.subtracted());
            }
            case Rewrite.Nil nil -> {}
            case Rewrite.Self self -> {}
        }
    }
}
