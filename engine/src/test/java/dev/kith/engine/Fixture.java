package dev.kith.engine;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Small helpers for engine tests: relationships and subjects from their compact strings. */
final class Fixture {
    private Fixture() {}

    static Revision touch(Engine e, String... rels) {
        return e.write(new Requests.Write(
                Stream.of(rels)
                        .map(Relationship::parse)
                        .map(RelationshipUpdate::touch)
                        .toList(),
                List.of()));
    }

    static Revision delete(Engine e, String... rels) {
        return e.write(new Requests.Write(
                Stream.of(rels)
                        .map(Relationship::parse)
                        .map(RelationshipUpdate::delete)
                        .toList(),
                List.of()));
    }

    static ObjectRef object(String text) {
        return RelationshipParser.parseObject(text, "object", false, text);
    }

    static SubjectRef subject(String text) {
        String[] parts = text.split("#");
        ObjectRef o = RelationshipParser.parseObject(parts[0], "subject", true, text);
        return new SubjectRef(o.type(), o.id(), parts.length > 1 ? parts[1] : null);
    }

    static Results.Check check(Engine e, String resourceAndPermission, String subject) {
        return check(e, resourceAndPermission, subject, Map.of(), Consistency.MINIMIZE_LATENCY);
    }

    static Results.Check check(
            Engine e, String resourceAndPermission, String subject, Map<String, Object> ctx, Consistency consistency) {
        String[] rp = resourceAndPermission.split("#");
        return e.check(new Requests.Check(object(rp[0]), rp[1], subject(subject), ctx, consistency, false));
    }

    static Permissionship can(Engine e, String resourceAndPermission, String subject) {
        return check(e, resourceAndPermission, subject).permissionship();
    }

    static List<String> lookupResources(Engine e, String type, String permission, String subject) {
        return e
                .lookupResources(new Requests.LookupResources(type, permission, subject(subject), null, null, null, 0))
                .items()
                .stream()
                .map(r -> r.resourceId() + (r.permissionship() == Permissionship.CONDITIONAL_PERMISSION ? "?" : ""))
                .sorted()
                .toList();
    }

    static List<Results.LookupSubject> lookupSubjects(Engine e, String resourceAndPermission, String subjectType) {
        String[] rp = resourceAndPermission.split("#");
        return e.lookupSubjects(
                        new Requests.LookupSubjects(object(rp[0]), rp[1], subjectType, null, null, null, null, 0))
                .items();
    }
}
