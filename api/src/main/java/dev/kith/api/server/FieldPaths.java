package dev.kith.api.server;

import dev.kith.engine.KithException.Element;
import dev.kith.engine.KithException.Part;
import dev.kith.engine.KithException.Where;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/**
 * How one endpoint's JSON names the parts of its request: turns where the engine found an error ({@link Where}:
 * the i-th update's subject type, the request's permission, a precondition's filter relation) into the JSON path
 * of that field, such as {@code updates[3].relationship.subject.object.objectType}, for the {@code field} of its error (ErrorInfo metadata). The
 * engine stays the judge of names (the schema may change between parsing and evaluation); this only names the
 * field. A handler {@linkplain #use registers} its endpoint's paths on the routing context, where {@link
 * ErrorMapper} finds them.
 */
@FunctionalInterface
interface FieldPaths {
    /** The JSON path of {@code where} in this endpoint's request, or null when it has no such field. */
    String path(Where where);

    /** The routing-context key of the request's paths. */
    String KEY = "kith.fieldPaths";

    /** check, expand, and each item of a bulk check: {@code resource}, {@code permission}, {@code subject}. */
    FieldPaths CHECK = w -> w.element() == Element.REQUEST ? checkField(w.part()) : contextual(w);

    /** A request's {@code contextualRelationships[i]} (a bulk check's, which are the whole request's). */
    FieldPaths CONTEXTUAL = FieldPaths::contextual;

    /** Lookup-resources names the resource type {@code resourceObjectType}. */
    FieldPaths LOOKUP_RESOURCES = w ->
            w.element() == Element.REQUEST && w.part() == Part.RESOURCE_TYPE ? "resourceObjectType" : CHECK.path(w);

    /** Lookup-subjects names the subject type and relation {@code subjectObjectType} and {@code optionalSubjectRelation}. */
    FieldPaths LOOKUP_SUBJECTS = w -> {
        if (w.element() != Element.REQUEST) return contextual(w);
        return switch (w.part()) {
            case SUBJECT_TYPE -> "subjectObjectType";
            case SUBJECT_RELATION -> "optionalSubjectRelation";
            default -> CHECK.path(w);
        };
    };

    /** A write: {@code updates[i].relationship} and {@code optionalPreconditions[i].filter}. */
    FieldPaths WRITE = w -> w.element() == Element.UPDATE
            ? join("updates[" + w.index() + "].relationship", relationshipField(w.part()))
            : precondition(w);

    /** A request whose own relationship filter is {@code field} (and which may have preconditions). */
    static FieldPaths filter(String field) {
        return w -> w.element() == Element.FILTER ? join(field, filterField(w.part())) : precondition(w);
    }

    /** A relationship on its own, at the path {@code at} gives when the error is raised (an import's line). */
    static FieldPaths relationship(Supplier<String> at) {
        return w -> w.element() == Element.RELATIONSHIP ? join(at.get(), relationshipField(w.part())) : null;
    }

    /** These paths, each under {@code prefix} (e.g. {@code items[2]}). */
    default FieldPaths under(String prefix) {
        return w -> join(prefix, path(w));
    }

    /** Registers {@code paths} as the request's, for its errors. */
    static void use(RoutingContext ctx, FieldPaths paths) {
        ctx.put(KEY, paths);
    }

    private static String contextual(Where w) {
        return w.element() == Element.CONTEXTUAL
                ? join(RequestReader.CONTEXTUAL + "[" + w.index() + "]", relationshipField(w.part()))
                : null;
    }

    private static String precondition(Where w) {
        return w.element() == Element.PRECONDITION
                ? join("optionalPreconditions[" + w.index() + "].filter", filterField(w.part()))
                : null;
    }

    private static String checkField(Part part) {
        return switch (part) {
            case RESOURCE_TYPE -> "resource.objectType";
            case RESOURCE_ID -> "resource.objectId";
            case RELATION -> "permission";
            case SUBJECT_TYPE -> "subject.object.objectType";
            case SUBJECT_ID -> "subject.object.objectId";
            case SUBJECT_RELATION -> "subject.optionalRelation";
            case SUBJECT -> "subject";
            case CAVEAT, CAVEAT_CONTEXT, EXPIRATION, FILTER -> null;
        };
    }

    private static String relationshipField(Part part) {
        return switch (part) {
            case RELATION -> "relation";
            case CAVEAT -> "optionalCaveat.caveatName";
            case CAVEAT_CONTEXT -> "optionalCaveat.context";
            case EXPIRATION -> "optionalExpiresAt";
            case RESOURCE_TYPE, RESOURCE_ID, SUBJECT_TYPE, SUBJECT_ID, SUBJECT_RELATION, SUBJECT -> checkField(part);
            case FILTER -> null;
        };
    }

    /** Relative to the filter; empty for the filter itself. */
    private static String filterField(Part part) {
        return switch (part) {
            case RESOURCE_TYPE -> "resourceType";
            case RELATION -> "optionalRelation";
            case SUBJECT_TYPE -> "optionalSubjectFilter.subjectType";
            case SUBJECT_RELATION -> "optionalSubjectFilter.optionalRelation.relation";
            case FILTER -> "";
            case RESOURCE_ID, SUBJECT_ID, SUBJECT, CAVEAT, CAVEAT_CONTEXT, EXPIRATION -> null;
        };
    }

    /** {@code prefix.field}; null when the field is; the prefix alone when the field is empty. */
    private static String join(String prefix, String field) {
        if (field == null) return null;
        return field.isEmpty() ? prefix : prefix + "." + field;
    }
}
