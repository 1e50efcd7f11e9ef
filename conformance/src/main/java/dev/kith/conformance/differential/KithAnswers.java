package dev.kith.conformance.differential;

import dev.kith.engine.Consistency;
import dev.kith.engine.Engine;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.KithException;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Permissionship;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipUpdate;
import dev.kith.engine.Requests;
import dev.kith.engine.Results;
import dev.kith.engine.SubjectRef;
import dev.kith.engine.runtime.Engines;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** kith's answers to a case, from a fresh in-memory engine with the default options (SpiceDB's depth of 50). */
public final class KithAnswers {
    private KithAnswers() {}

    public static SpiceDbOracle.CaseAnswers answer(DiffCase c) {
        try (Engine engine = Engines.inMemory(EngineOptions.defaults())) {
            try {
                engine.writeSchema(c.schema());
                List<RelationshipUpdate> updates = new ArrayList<>();
                for (String r : c.relationships()) updates.add(RelationshipUpdate.touch(Relationship.parse(r)));
                if (!updates.isEmpty()) engine.write(new Requests.Write(updates, List.of()));
            } catch (KithException | IllegalArgumentException e) {
                return new SpiceDbOracle.CaseAnswers(
                        c.id(), String.valueOf(e.getMessage()), List.of(), List.of(), List.of());
            }
            Map<String, Object> context = c.context();
            List<Answer> checks = new ArrayList<>();
            for (DiffCase.CheckQuery q : c.checks()) {
                checks.add(guard(() -> {
                    Results.Check r = engine.check(new Requests.Check(
                            object(q.resource()),
                            q.permission(),
                            subject(q.subject()),
                            context,
                            Consistency.FULLY_CONSISTENT,
                            false));
                    return Answer.check(r.permissionship().name(), r.missingContext());
                }));
            }
            List<Answer> lookupResources = new ArrayList<>();
            for (DiffCase.LookupResourcesQuery q : c.lookupResources()) {
                lookupResources.add(guard(() -> {
                    List<Answer.Item> items = new ArrayList<>();
                    String cursor = null;
                    do {
                        Results.Page<Results.LookupResource> page = engine.lookupResources(new Requests.LookupResources(
                                q.resourceType(),
                                q.permission(),
                                subject(q.subject()),
                                context,
                                Consistency.FULLY_CONSISTENT,
                                cursor,
                                0));
                        for (Results.LookupResource r : page.items()) {
                            items.add(new Answer.Item(
                                    r.resourceId(), r.permissionship().name(), r.missingContext(), List.of()));
                        }
                        cursor = page.nextCursor();
                    } while (cursor != null);
                    return Answer.lookup(items);
                }));
            }
            List<Answer> lookupSubjects = new ArrayList<>();
            for (DiffCase.LookupSubjectsQuery q : c.lookupSubjects()) {
                lookupSubjects.add(guard(() -> {
                    List<Answer.Item> items = new ArrayList<>();
                    String cursor = null;
                    do {
                        Results.Page<Results.LookupSubject> page = engine.lookupSubjects(new Requests.LookupSubjects(
                                object(q.resource()),
                                q.permission(),
                                q.subjectType(),
                                q.subjectRelation(),
                                context,
                                Consistency.FULLY_CONSISTENT,
                                cursor,
                                0));
                        for (Results.LookupSubject s : page.items()) items.add(item(s));
                        cursor = page.nextCursor();
                    } while (cursor != null);
                    return Answer.lookup(items);
                }));
            }
            return new SpiceDbOracle.CaseAnswers(c.id(), null, checks, lookupResources, lookupSubjects);
        }
    }

    private static Answer.Item item(Results.LookupSubject s) {
        List<Answer.Item> excluded = new ArrayList<>();
        for (Results.LookupSubject x : s.excludedSubjects()) excluded.add(item(x));
        return new Answer.Item(s.subjectId(), s.permissionship().name(), s.missingContext(), excluded);
    }

    private static Answer guard(Supplier<Answer> query) {
        try {
            return query.get();
        } catch (KithException e) {
            return Answer.error(kind(e), e.getMessage());
        }
    }

    /** The gRPC code kith's API gives each error, or MAX_DEPTH. */
    static String kind(KithException e) {
        return switch (e) {
            case KithException.MaxDepthExceeded x -> Answer.MAX_DEPTH;
            case KithException.InvalidArgument x -> "INVALID_ARGUMENT";
            case KithException.NotFound x -> "FAILED_PRECONDITION";
            case KithException.CaveatEvaluation x -> "INVALID_ARGUMENT";
            default -> e.getClass().getSimpleName();
        };
    }

    static ObjectRef object(String text) {
        int colon = text.indexOf(':');
        return new ObjectRef(text.substring(0, colon), text.substring(colon + 1));
    }

    static SubjectRef subject(String text) {
        int colon = text.indexOf(':');
        int hash = text.indexOf('#');
        String type = text.substring(0, colon);
        String id = text.substring(colon + 1, hash < 0 ? text.length() : hash);
        if (id.equals(SubjectRef.WILDCARD)) return SubjectRef.wildcard(type);
        return hash < 0 ? SubjectRef.object(type, id) : SubjectRef.set(type, id, text.substring(hash + 1));
    }

    static Permissionship permissionship(String name) {
        return Permissionship.valueOf(name);
    }
}
