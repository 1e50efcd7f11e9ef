package dev.kith.bench.http;

import dev.kith.bench.data.Query;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Encodes queries as SpiceDB v1 {@code CheckPermission} JSON bodies, once, before the run starts. */
final class CheckBodies {
    private CheckBodies() {}

    static List<Buffer> encode(List<Query> queries) {
        List<Buffer> bodies = new ArrayList<>(queries.size());
        for (Query query : queries) {
            bodies.add(encode(query).toBuffer());
        }
        return bodies;
    }

    /**
     * {@code {"consistency":{"minimizeLatency":true},"resource":{…},"permission":…,"subject":{"object":{…},
     * "optionalRelation":…},"context":{…}}}, the context only when the query has one.
     */
    static JsonObject encode(Query query) {
        JsonObject body = new JsonObject()
                .put("consistency", new JsonObject().put("minimizeLatency", true))
                .put(
                        "resource",
                        new JsonObject().put("objectType", query.resourceType()).put("objectId", query.resourceId()))
                .put("permission", query.permission())
                .put(
                        "subject",
                        new JsonObject()
                                .put(
                                        "object",
                                        new JsonObject()
                                                .put("objectType", query.subjectType())
                                                .put("objectId", query.subjectId()))
                                .put("optionalRelation", query.subjectRelation()));
        if (query.context() != null) {
            body.put("context", new JsonObject(query.context()));
        }
        return body;
    }
}
