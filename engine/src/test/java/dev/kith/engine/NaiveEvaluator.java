package dev.kith.engine;

import dev.kith.engine.caveat.CaveatEvaluator;
import dev.kith.engine.caveat.CaveatOutcome;
import dev.kith.schema.RelationDef;
import dev.kith.schema.Rewrite;
import dev.kith.schema.ValidatedSchema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The test oracle: SEMANTICS.md read literally. A plain list of relationships and a direct recursion over
 * the {@link Rewrite} IR with strings, no index, no ints, no bitmaps; three-valued answers with the missing
 * parameters they depend on; kith's cycle rule via the set of (object, relation) on the path; no depth limit.
 */
final class NaiveEvaluator {
    /** An answer: 0 = NO, 1 = CONDITIONAL, 2 = HAS, with the missing parameters of a CONDITIONAL one. */
    record Answer(int value, Set<String> missing) {
        static final Answer NO = new Answer(0, Set.of());
        static final Answer HAS = new Answer(2, Set.of());

        static Answer conditional(Set<String> missing) {
            return new Answer(1, new TreeSet<>(missing));
        }

        Permissionship permissionship() {
            return switch (value) {
                case 0 -> Permissionship.NO_PERMISSION;
                case 1 -> Permissionship.CONDITIONAL_PERMISSION;
                default -> Permissionship.HAS_PERMISSION;
            };
        }
    }

    private final ValidatedSchema schema;
    private final CaveatEvaluator caveats;
    private final List<Relationship> relationships;
    private final Instant now;

    NaiveEvaluator(ValidatedSchema schema, List<Relationship> relationships, Instant now) {
        this.schema = schema;
        this.caveats = new CaveatEvaluator(schema);
        this.relationships = List.copyOf(relationships);
        this.now = now;
    }

    Answer check(ObjectRef resource, String relation, SubjectRef subject, Map<String, Object> context) {
        return new Run(subject, context).relation(resource, relation);
    }

    private final class Run {
        final SubjectRef subject;
        final Map<String, Object> context;
        final Set<String> path = new HashSet<>();

        Run(SubjectRef subject, Map<String, Object> context) {
            this.subject = subject;
            this.context = context;
        }

        Answer relation(ObjectRef object, String relation) {
            if (subject.type().equals(object.type())
                    && subject.id().equals(object.id())
                    && relation.equals(subject.relation())) {
                return Answer.HAS;
            }
            RelationDef def = schema.relation(object.type(), relation);
            if (def == null) return Answer.NO;
            String here = object + "#" + relation;
            if (!path.add(here)) return Answer.NO;
            try {
                return rewrite(def.rewrite(), object, relation);
            } finally {
                path.remove(here);
            }
        }

        Answer rewrite(Rewrite rw, ObjectRef object, String relation) {
            return switch (rw) {
                case Rewrite.Direct d -> direct(object, relation);
                case Rewrite.ComputedUserset c -> relation(object, c.relation());
                case Rewrite.TupleToUserset t -> t.all() ? arrowAll(t, object) : arrowAny(t, object);
                case Rewrite.Union u -> {
                    List<Answer> as = new ArrayList<>();
                    for (Rewrite c : u.children()) as.add(rewrite(c, object, relation));
                    yield or(as);
                }
                case Rewrite.Intersection i -> {
                    List<Answer> as = new ArrayList<>();
                    for (Rewrite c : i.children()) as.add(rewrite(c, object, relation));
                    yield and(as);
                }
                case Rewrite.Exclusion e -> {
                    Answer a = rewrite(e.base(), object, relation);
                    Answer b = rewrite(e.subtracted(), object, relation);
                    if (a.value() == 0 || b.value() == 2) yield Answer.NO;
                    if (a.value() == 2 && b.value() == 0) yield Answer.HAS;
                    yield Answer.conditional(union(a, b));
                }
                case Rewrite.Nil n -> Answer.NO;
                case Rewrite.Self s ->
                    subject.relation() == null
                                    && subject.type().equals(object.type())
                                    && subject.id().equals(object.id())
                            ? Answer.HAS
                            : Answer.NO;
            };
        }

        Answer direct(ObjectRef object, String relation) {
            List<Answer> terms = new ArrayList<>();
            for (Relationship r : stored(object, relation)) {
                Answer link = condition(r);
                if (link.value() == 0) continue;
                SubjectRef s = r.subject();
                if (s.equals(subject)) {
                    terms.add(link);
                } else if (s.isWildcard() && !subject.isWildcard() && s.type().equals(subject.type())) {
                    // a stored wildcard matches every subject of its type, a subject set included (SpiceDB)
                    terms.add(link);
                } else if (s.isSubjectSet()) {
                    terms.add(and(List.of(link, relation(s.object(), s.relation()))));
                }
            }
            return or(terms);
        }

        Answer arrowAny(Rewrite.TupleToUserset t, ObjectRef object) {
            List<Answer> terms = new ArrayList<>();
            for (Relationship r : stored(object, t.tupleset())) {
                Answer link = condition(r);
                if (link.value() == 0 || r.subject().isWildcard()) continue;
                terms.add(and(List.of(link, relation(r.subject().object(), t.computed()))));
            }
            return or(terms);
        }

        /** Every linked target grants (link AND grant for each; expired links do not exist); NO when none. */
        Answer arrowAll(Rewrite.TupleToUserset t, ObjectRef object) {
            List<Answer> terms = new ArrayList<>();
            for (Relationship r : stored(object, t.tupleset())) {
                if (r.expiresAt() != null && !r.expiresAt().isAfter(now)) continue;
                Answer link = condition(r);
                Answer grant = r.subject().isWildcard()
                        ? Answer.NO
                        : relation(r.subject().object(), t.computed());
                terms.add(and(List.of(link, grant)));
            }
            return terms.isEmpty() ? Answer.NO : and(terms);
        }

        Answer condition(Relationship r) {
            if (r.expiresAt() != null && !r.expiresAt().isAfter(now)) return Answer.NO;
            if (r.caveat() == null) return Answer.HAS;
            CaveatOutcome o = caveats.evaluate(r.caveat().name(), r.caveat().context(), context);
            return switch (o.result()) {
                case NO_PERMISSION -> Answer.NO;
                case HAS_PERMISSION -> Answer.HAS;
                case CONDITIONAL_PERMISSION -> Answer.conditional(new TreeSet<>(o.missing()));
            };
        }

        List<Relationship> stored(ObjectRef object, String relation) {
            List<Relationship> out = new ArrayList<>();
            for (Relationship r : relationships) {
                if (r.resource().equals(object) && r.relation().equals(relation)) out.add(r);
            }
            return out;
        }
    }

    static Answer or(List<Answer> as) {
        Set<String> missing = new TreeSet<>();
        boolean conditional = false;
        for (Answer a : as) {
            if (a.value() == 2) return Answer.HAS;
            if (a.value() == 1) {
                conditional = true;
                missing.addAll(a.missing());
            }
        }
        return conditional ? Answer.conditional(missing) : Answer.NO;
    }

    static Answer and(List<Answer> as) {
        Set<String> missing = new TreeSet<>();
        boolean conditional = false;
        for (Answer a : as) {
            if (a.value() == 0) return Answer.NO;
            if (a.value() == 1) {
                conditional = true;
                missing.addAll(a.missing());
            }
        }
        return conditional ? Answer.conditional(missing) : Answer.HAS;
    }

    private static Set<String> union(Answer a, Answer b) {
        Set<String> s = new TreeSet<>(a.missing());
        s.addAll(b.missing());
        return s;
    }

    @Override
    public String toString() {
        return Objects.toString(relationships);
    }
}
