package dev.kith.bench.inprocess;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kith.bench.data.Lookup;
import dev.kith.bench.data.Query;
import dev.kith.engine.Consistency;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Requests;
import dev.kith.engine.SubjectRef;
import java.util.Map;

/** The engine requests of dataset lines: a query becomes a check, a lookup a lookup-resources call. */
public final class EngineRequests {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private EngineRequests() {}

    /** The check of {@code query}, at the newest revision, its {@code with} context as JSON-shaped values. */
    public static Requests.Check check(Query query) {
        return new Requests.Check(
                new ObjectRef(query.resourceType(), query.resourceId()),
                query.permission(),
                SubjectRef.set(query.subjectType(), query.subjectId(), query.subjectRelation()),
                context(query.context()),
                Consistency.MINIMIZE_LATENCY,
                false);
    }

    /** The first page (of {@code pageSize}; 0 for all in one) of {@code lookup}'s lookup-resources call. */
    public static Requests.LookupResources lookup(Lookup lookup, int pageSize) {
        return new Requests.LookupResources(
                lookup.resourceType(),
                lookup.permission(),
                SubjectRef.set(lookup.subjectType(), lookup.subjectId(), lookup.subjectRelation()),
                Map.of(),
                Consistency.MINIMIZE_LATENCY,
                null,
                pageSize);
    }

    /** The same lookup, resumed after {@code cursor}. */
    public static Requests.LookupResources next(Requests.LookupResources lookup, String cursor) {
        return new Requests.LookupResources(
                lookup.resourceType(),
                lookup.permission(),
                lookup.subject(),
                lookup.context(),
                lookup.consistency(),
                cursor,
                lookup.limit());
    }

    private static Map<String, Object> context(String json) {
        if (json == null) return Map.of();
        try {
            return JSON.readValue(json, MAP);
        } catch (JsonProcessingException e) {
            // the reader has already checked that the context is a JSON object
            throw new IllegalArgumentException("not a JSON object: " + json, e);
        }
    }
}
