package dev.kith.engine.eval;

import dev.kith.engine.KithException;
import dev.kith.engine.KithException.NotFound;
import dev.kith.engine.KithException.Part;
import dev.kith.engine.KithException.Where;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipFilter;
import dev.kith.engine.RelationshipParser;
import dev.kith.engine.SubjectFilter;
import dev.kith.engine.SubjectRef;
import dev.kith.schema.AllowedSubject;
import dev.kith.schema.Definition;
import dev.kith.schema.RelationDef;
import dev.kith.schema.ValidatedSchema;
import java.util.Objects;
import java.util.function.Function;

/**
 * Checks relationships against a schema before they are written (SEMANTICS.md "Subjects and relationships"):
 * the resource type and relation exist and the relation is not a permission, the subject type (and subject
 * relation) exist, and one allowed-subject entry of the relation matches exactly — type, subject relation or
 * wildcard, caveat, expiration — with the caveat's stored context valid for its parameters.
 */
public final class RelationshipValidator {
    private RelationshipValidator() {}

    /**
     * Throws {@link KithException.NotFound} for a name the schema does not define and {@link
     * KithException.InvalidArgument} for anything else wrong, each naming {@code r} and where it is: in the
     * {@code update}th update of a write, or in a relationship on its own when {@code update} is -1.
     */
    public static void validate(CompiledSchema compiled, Relationship r, boolean forDelete, int update) {
        validate(compiled, r, forDelete, part -> Where.relationship(update, part));
    }

    /**
     * Validates the {@code index}th contextual relationship of a check, expand or lookup exactly as a write of it
     * would be validated, its errors naming it as that.
     */
    public static void validateContextual(CompiledSchema compiled, Relationship r, int index) {
        validate(compiled, r, false, part -> Where.contextual(index, part));
    }

    private static void validate(
            CompiledSchema compiled, Relationship r, boolean forDelete, Function<Part, Where> where) {
        ValidatedSchema schema = compiled.schema;
        checkId(r.resource().id(), Part.RESOURCE_ID, r, false, where);
        checkId(r.subject().id(), Part.SUBJECT_ID, r, true, where);
        Definition def = schema.definition(r.resource().type());
        if (def == null) {
            throw NotFound.type(where.apply(Part.RESOURCE_TYPE), r.resource().type(), r.toString());
        }
        RelationDef rel = def.relation(r.relation());
        if (rel == null) {
            throw NotFound.relation(where.apply(Part.RELATION), r.relation(), def.name(), r.toString());
        }
        if (rel.isPermission()) {
            throw invalid(
                    Part.RELATION,
                    "'" + r.relation() + "' is a permission of '" + def.name()
                            + "', and relationships can only be written to relations",
                    r,
                    where);
        }
        SubjectRef s = r.subject();
        Definition sdef = schema.definition(s.type());
        if (sdef == null) {
            throw NotFound.type(where.apply(Part.SUBJECT_TYPE), s.type(), r.toString());
        }
        if (s.relation() != null && sdef.relation(s.relation()) == null) {
            throw NotFound.relation(where.apply(Part.SUBJECT_RELATION), s.relation(), s.type(), r.toString());
        }
        if (r.caveat() != null && schema.caveat(r.caveat().name()) == null) {
            throw NotFound.caveat(where.apply(Part.CAVEAT), r.caveat().name(), r.toString());
        }
        if (forDelete) return;
        AllowedSubject match = null;
        boolean subjectAllowed = false;
        for (AllowedSubject a : rel.allowedSubjects()) {
            if (!a.type().equals(s.type()) || a.wildcard() != s.isWildcard()) continue;
            if (!Objects.equals(a.relation(), s.relation())) continue;
            subjectAllowed = true;
            String caveat = r.caveat() == null ? null : r.caveat().name();
            if (Objects.equals(a.caveat(), caveat) && a.expiration() == (r.expiresAt() != null)) {
                match = a;
                break;
            }
        }
        if (!subjectAllowed) {
            throw invalid(
                    Part.SUBJECT,
                    "subjects of the form " + form(s) + " are not allowed on " + def.name() + "#" + rel.name()
                            + " (allowed: " + allowed(rel) + ")",
                    r,
                    where);
        }
        if (match == null) {
            throw invalid(
                    r.caveat() != null ? Part.CAVEAT : Part.EXPIRATION,
                    "the caveat and expiration of this relationship match no allowed subject of " + def.name() + "#"
                            + rel.name() + " (allowed: " + allowed(rel) + ")",
                    r,
                    where);
        }
        if (r.caveat() != null) {
            try {
                compiled.caveats.validateContext(r.caveat().name(), r.caveat().context());
            } catch (KithException.InvalidArgument e) {
                throw invalid(Part.CAVEAT_CONTEXT, e.getMessage(), r, where);
            }
        }
    }

    /**
     * Checks that every name {@code f} gives is defined in the schema, and that it asks for a resource type or a
     * subject filter; {@code precondition} says whose filter it is (-1: the request's own).
     */
    public static void validateFilter(CompiledSchema compiled, RelationshipFilter f, int precondition) {
        ValidatedSchema schema = compiled.schema;
        if (f.resourceType() == null && f.optionalSubjectFilter() == null) {
            throw KithException.InvalidArgument.at(
                    Where.filter(precondition, Part.FILTER), "a filter needs a resource type or a subject filter");
        }
        if (f.resourceType() != null) {
            Definition d = schema.definition(f.resourceType());
            if (d == null) throw NotFound.type(Where.filter(precondition, Part.RESOURCE_TYPE), f.resourceType(), null);
            if (f.optionalRelation() != null && d.relation(f.optionalRelation()) == null) {
                throw NotFound.relation(
                        Where.filter(precondition, Part.RELATION), f.optionalRelation(), d.name(), null);
            }
        }
        SubjectFilter sf = f.optionalSubjectFilter();
        if (sf != null) {
            Definition d = schema.definition(sf.subjectType());
            if (d == null) throw NotFound.type(Where.filter(precondition, Part.SUBJECT_TYPE), sf.subjectType(), null);
            String relation = sf.optionalRelation();
            if (relation != null && !relation.isEmpty() && d.relation(relation) == null) {
                throw NotFound.relation(Where.filter(precondition, Part.SUBJECT_RELATION), relation, d.name(), null);
            }
        }
    }

    /** Whether {@code r} is still allowed by {@code schema} (for refusing schema changes that orphan data). */
    public static boolean allowedBy(ValidatedSchema schema, Relationship r) {
        Definition def = schema.definition(r.resource().type());
        if (def == null) return false;
        RelationDef rel = def.relation(r.relation());
        if (rel == null || rel.isPermission()) return false;
        SubjectRef s = r.subject();
        String caveat = r.caveat() == null ? null : r.caveat().name();
        if (caveat != null && schema.caveat(caveat) == null) return false;
        for (AllowedSubject a : rel.allowedSubjects()) {
            if (a.type().equals(s.type())
                    && a.wildcard() == s.isWildcard()
                    && Objects.equals(a.relation(), s.relation())
                    && Objects.equals(a.caveat(), caveat)
                    && a.expiration() == (r.expiresAt() != null)) {
                return true;
            }
        }
        return false;
    }

    private static void checkId(
            String id, Part part, Relationship r, boolean allowWildcard, Function<Part, Where> where) {
        if (allowWildcard && SubjectRef.WILDCARD.equals(id)) return;
        if (!RelationshipParser.isObjectId(id)) {
            throw invalid(part, "'" + id + "' is not a valid object id", r, where);
        }
    }

    private static String form(SubjectRef s) {
        if (s.isWildcard()) return s.type() + ":*";
        return s.relation() == null ? s.type() : s.type() + "#" + s.relation();
    }

    private static String allowed(RelationDef rel) {
        StringBuilder b = new StringBuilder();
        for (AllowedSubject a : rel.allowedSubjects()) {
            if (!b.isEmpty()) b.append(" | ");
            b.append(a.type());
            if (a.wildcard()) b.append(":*");
            if (a.relation() != null) b.append('#').append(a.relation());
            if (a.caveat() != null) b.append(" with ").append(a.caveat());
            if (a.expiration()) b.append(a.caveat() != null ? " and expiration" : " with expiration");
        }
        return b.toString();
    }

    private static KithException.InvalidArgument invalid(
            Part part, String message, Relationship r, Function<Part, Where> where) {
        return KithException.InvalidArgument.at(where.apply(part), message + " (in '" + r + "')");
    }
}
