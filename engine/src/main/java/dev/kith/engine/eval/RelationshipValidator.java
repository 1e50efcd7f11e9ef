package dev.kith.engine.eval;

import dev.kith.engine.KithException;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipParser;
import dev.kith.engine.SubjectRef;
import dev.kith.schema.AllowedSubject;
import dev.kith.schema.Definition;
import dev.kith.schema.RelationDef;
import dev.kith.schema.ValidatedSchema;
import java.util.Objects;

/**
 * Checks relationships against a schema before they are written (SEMANTICS.md "Subjects and relationships"):
 * the resource type and relation exist and the relation is not a permission, the subject type (and subject
 * relation) exist, and one allowed-subject entry of the relation matches exactly — type, subject relation or
 * wildcard, caveat, expiration — with the caveat's stored context valid for its parameters.
 */
final class RelationshipValidator {
    private RelationshipValidator() {}

    /** Throws {@link KithException.InvalidArgument} naming {@code r} and the part that is wrong. */
    static void validate(CompiledSchema compiled, Relationship r, boolean forDelete) {
        ValidatedSchema schema = compiled.schema;
        checkId(r.resource().id(), "resource id", r, false);
        checkId(r.subject().id(), "subject id", r, true);
        Definition def = schema.definition(r.resource().type());
        if (def == null) {
            throw invalid("resource type", "type '" + r.resource().type() + "' is not defined in the schema", r);
        }
        RelationDef rel = def.relation(r.relation());
        if (rel == null) {
            throw invalid("relation", "'" + r.relation() + "' is not a relation of type '" + def.name() + "'", r);
        }
        if (rel.isPermission()) {
            throw invalid(
                    "relation",
                    "'" + r.relation() + "' is a permission of '" + def.name()
                            + "', and relationships can only be written to relations",
                    r);
        }
        SubjectRef s = r.subject();
        Definition sdef = schema.definition(s.type());
        if (sdef == null) {
            throw invalid("subject type", "type '" + s.type() + "' is not defined in the schema", r);
        }
        if (s.relation() != null && sdef.relation(s.relation()) == null) {
            throw invalid("subject relation", "'" + s.relation() + "' is not a relation of type '" + s.type() + "'", r);
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
                    "subject",
                    "subjects of the form " + form(s) + " are not allowed on " + def.name() + "#" + rel.name()
                            + " (allowed: " + allowed(rel) + ")",
                    r);
        }
        if (match == null) {
            throw invalid(
                    r.caveat() != null ? "caveat" : "expiration",
                    "the caveat and expiration of this relationship match no allowed subject of " + def.name() + "#"
                            + rel.name() + " (allowed: " + allowed(rel) + ")",
                    r);
        }
        if (r.caveat() != null) {
            try {
                compiled.caveats.validateContext(r.caveat().name(), r.caveat().context());
            } catch (KithException.InvalidArgument e) {
                throw invalid("caveat context", e.getMessage(), r);
            }
        }
    }

    /** Whether {@code r} is still allowed by {@code schema} (for refusing schema changes that orphan data). */
    static boolean allowedBy(ValidatedSchema schema, Relationship r) {
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

    private static void checkId(String id, String part, Relationship r, boolean allowWildcard) {
        if (allowWildcard && SubjectRef.WILDCARD.equals(id)) return;
        if (!RelationshipParser.isObjectId(id)) {
            throw invalid(part, "'" + id + "' is not a valid object id", r);
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

    private static KithException.InvalidArgument invalid(String part, String message, Relationship r) {
        return new KithException.InvalidArgument(
                "relationship." + part.replace(' ', '_'), message + " (in '" + r + "')");
    }
}
