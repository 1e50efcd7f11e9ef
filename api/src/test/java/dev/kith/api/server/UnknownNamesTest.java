package dev.kith.api.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An unknown type, relation, permission or caveat, from every endpoint: a 400 FAILED_PRECONDITION whose ErrorInfo
 * metadata {@code code} is {@code UNKNOWN_NAME}, {@code field} the JSON path of the offending value and {@code name}
 * the name; the other errors the engine finds in a write name their full path too.
 */
class UnknownNamesTest {
    static ServerFixture f;

    @BeforeAll
    static void start() {
        f = ServerFixture.withKey();
        f.writeSchema();
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    /** Posts {@code body} and asserts the unknown-name error at {@code field}; returns it. */
    private static JsonObject unknown(String path, JsonObject body, String field, String name) {
        JsonObject e = f.post(path, body.encode()).error(400);
        assertUnknown(e, field, name);
        return e;
    }

    private static void assertUnknown(JsonObject e, String field, String name) {
        assertThat(ServerFixture.meta(e).getString("code")).as(e.encode()).isEqualTo("UNKNOWN_NAME");
        assertThat(ServerFixture.meta(e).getString("field")).as(e.encode()).isEqualTo(field);
        assertThat(ServerFixture.meta(e).getString("name")).isEqualTo(name);
        assertThat(e.getString("message")).startsWith(field + ": ").contains("'" + name + "'");
    }

    private static JsonObject object(String type, String id) {
        return new JsonObject().put("objectType", type).put("objectId", id);
    }

    private static JsonObject subject(String type, String id, String relation) {
        JsonObject s = new JsonObject().put("object", object(type, id));
        return relation == null ? s : s.put("optionalRelation", relation);
    }

    private static JsonObject check(String type, String permission, JsonObject subject) {
        return new JsonObject()
                .put("resource", object(type, "d1"))
                .put("permission", permission)
                .put("subject", subject);
    }

    private static JsonObject update(String relationship) {
        return new JsonObject()
                .put("operation", "OPERATION_TOUCH")
                .put("relationship", new JsonObject(ServerFixture.relationshipJson(relationship)));
    }

    private static JsonObject write(String... relationships) {
        JsonArray updates = new JsonArray();
        for (String r : relationships) updates.add(update(r));
        return new JsonObject().put("updates", updates);
    }

    private static JsonObject precondition(JsonObject filter) {
        return new JsonObject().put("operation", "OPERATION_MUST_MATCH").put("filter", filter);
    }

    private static JsonObject filter(String type, String relation) {
        JsonObject filter = new JsonObject().put("resourceType", type);
        return relation == null ? filter : filter.put("optionalRelation", relation);
    }

    private static JsonObject subjectFilter(String type, String relation) {
        JsonObject sf = new JsonObject().put("subjectType", type);
        if (relation != null) sf.put("optionalRelation", new JsonObject().put("relation", relation));
        return new JsonObject().put("optionalSubjectFilter", sf);
    }

    @Test
    void checkNamesResourcePermissionAndSubject() {
        String path = "/v1/permissions/check";
        JsonObject ann = subject("user", "ann", null);
        unknown(path, check("folder", "view", ann), "resource.objectType", "folder");
        unknown(path, check("document", "share", ann), "permission", "share");
        unknown(path, check("document", "view", subject("robot", "r2", null)), "subject.object.objectType", "robot");
        unknown(path, check("document", "view", subject("group", "eng", "lead")), "subject.optionalRelation", "lead");
        // a body with a context goes through the general reader: the same answer
        unknown(
                path,
                check("document", "share", ann).put("context", new JsonObject()).put("withTracing", true),
                "permission",
                "share");
    }

    @Test
    void eachBulkCheckItemNamesItsOwnField() {
        JsonObject ann = subject("user", "ann", null);
        JsonObject body = new JsonObject()
                .put(
                        "items",
                        new JsonArray()
                                .add(check("document", "view", ann))
                                .add(check("folder", "view", ann))
                                .add(check("document", "view", subject("group", "eng", "lead"))));
        var answer = f.post("/v1/permissions/checkbulk", body.encode());
        assertThat(answer.status).as(answer.text).isEqualTo(200);
        JsonArray pairs = answer.json().getJsonArray("pairs");
        assertThat(pairs.getJsonObject(0).getJsonObject("item").getString("permissionship"))
                .isEqualTo("PERMISSIONSHIP_NO_PERMISSION");
        assertUnknown(pairs.getJsonObject(1).getJsonObject("error"), "items[1].resource.objectType", "folder");
        assertUnknown(pairs.getJsonObject(2).getJsonObject("error"), "items[2].subject.optionalRelation", "lead");
    }

    @Test
    void expandNamesResourceAndPermission() {
        JsonObject body =
                new JsonObject().put("resource", object("folder", "d1")).put("permission", "view");
        unknown("/v1/permissions/expand", body, "resource.objectType", "folder");
        unknown(
                "/v1/permissions/expand",
                body.put("resource", object("document", "d1")).put("permission", "share"),
                "permission",
                "share");
    }

    @Test
    void lookupResourcesNamesItsFields() {
        String path = "/v1/permissions/resources";
        JsonObject body = new JsonObject()
                .put("resourceObjectType", "folder")
                .put("permission", "view")
                .put("subject", subject("user", "ann", null));
        unknown(path, body, "resourceObjectType", "folder");
        unknown(
                path,
                body.copy().put("resourceObjectType", "document").put("permission", "share"),
                "permission",
                "share");
        unknown(
                path,
                body.copy().put("resourceObjectType", "document").put("subject", subject("robot", "r2", null)),
                "subject.object.objectType",
                "robot");
        unknown(
                path,
                body.copy().put("resourceObjectType", "document").put("subject", subject("group", "eng", "lead")),
                "subject.optionalRelation",
                "lead");
    }

    @Test
    void lookupSubjectsNamesItsFields() {
        String path = "/v1/permissions/subjects";
        JsonObject body = new JsonObject()
                .put("resource", object("document", "d1"))
                .put("permission", "view")
                .put("subjectObjectType", "user");
        unknown(path, body.copy().put("resource", object("folder", "d1")), "resource.objectType", "folder");
        unknown(path, body.copy().put("permission", "share"), "permission", "share");
        unknown(path, body.copy().put("subjectObjectType", "robot"), "subjectObjectType", "robot");
        unknown(
                path,
                body.copy().put("subjectObjectType", "group").put("optionalSubjectRelation", "lead"),
                "optionalSubjectRelation",
                "lead");
    }

    @Test
    void aWriteNamesTheUpdateAndThePartOfItsRelationship() {
        String path = "/v1/relationships/write";
        String ok = "document:w1#viewer@user:ann";
        unknown(path, write(ok, "folder:f1#viewer@user:ann"), "updates[1].relationship.resource.objectType", "folder");
        unknown(path, write(ok, ok, "document:w1#reader@user:ann"), "updates[2].relationship.relation", "reader");
        unknown(
                path,
                write(ok, ok, ok, "document:w1#viewer@robot:r2"),
                "updates[3].relationship.subject.object.objectType",
                "robot");
        unknown(
                path,
                write("document:w1#viewer@group:eng#lead"),
                "updates[0].relationship.subject.optionalRelation",
                "lead");
        unknown(
                path,
                write("document:w1#viewer@user:ann[on_weekday]"),
                "updates[0].relationship.optionalCaveat.caveatName",
                "on_weekday");
        // nothing of a refused write is stored
        var read = f.post(
                "/v1/relationships/read",
                new JsonObject()
                        .put("relationshipFilter", filter("document", null).put("optionalResourceId", "w1"))
                        .encode());
        assertThat(read.results()).isEmpty();
    }

    @Test
    void otherErrorsInAWriteNameTheirFullPathToo() {
        JsonObject e = f.post(
                        "/v1/relationships/write",
                        write("document:w1#viewer@user:ann", "document:w1#view@user:ann")
                                .encode())
                .error(400);
        assertThat(ServerFixture.meta(e).getString("code")).isEqualTo("INVALID_ARGUMENT");
        assertThat(ServerFixture.meta(e).getString("field")).isEqualTo("updates[1].relationship.relation");
        assertThat(e.getString("message"))
                .startsWith("updates[1].relationship.relation: ")
                .contains("permission");
        e = f.post(
                        "/v1/relationships/write",
                        write("document:w1#owner@group:eng#member").encode())
                .error(400);
        assertThat(ServerFixture.meta(e).getString("field")).isEqualTo("updates[0].relationship.subject");
    }

    @Test
    void aPreconditionNamesItsIndexAndFilterField() {
        String path = "/v1/relationships/write";
        JsonObject good = precondition(filter("document", null));
        unknown(
                path,
                write("document:w2#viewer@user:ann")
                        .put(
                                "optionalPreconditions",
                                new JsonArray().add(good).add(precondition(filter("folder", null)))),
                "optionalPreconditions[1].filter.resourceType",
                "folder");
        unknown(
                path,
                write("document:w2#viewer@user:ann")
                        .put("optionalPreconditions", new JsonArray().add(precondition(filter("document", "reader")))),
                "optionalPreconditions[0].filter.optionalRelation",
                "reader");
        unknown(
                path,
                write("document:w2#viewer@user:ann")
                        .put("optionalPreconditions", new JsonArray().add(precondition(subjectFilter("robot", null)))),
                "optionalPreconditions[0].filter.optionalSubjectFilter.subjectType",
                "robot");
        unknown(
                path,
                write("document:w2#viewer@user:ann")
                        .put(
                                "optionalPreconditions",
                                new JsonArray().add(precondition(subjectFilter("group", "lead")))),
                "optionalPreconditions[0].filter.optionalSubjectFilter.optionalRelation.relation",
                "lead");
    }

    @Test
    void readDeleteAndExportNameTheirFilter() {
        unknown(
                "/v1/relationships/read",
                new JsonObject().put("relationshipFilter", filter("document", "reader")),
                "relationshipFilter.optionalRelation",
                "reader");
        unknown(
                "/v1/relationships/read",
                new JsonObject().put("relationshipFilter", subjectFilter("robot", null)),
                "relationshipFilter.optionalSubjectFilter.subjectType",
                "robot");
        unknown(
                "/v1/relationships/delete",
                new JsonObject().put("relationshipFilter", filter("folder", null)),
                "relationshipFilter.resourceType",
                "folder");
        unknown(
                "/v1/relationships/delete",
                new JsonObject()
                        .put("relationshipFilter", filter("document", null).put("optionalResourceId", "none"))
                        .put("optionalPreconditions", new JsonArray().add(precondition(filter("folder", null)))),
                "optionalPreconditions[0].filter.resourceType",
                "folder");
        unknown(
                "/v1/relationships/exportbulk",
                new JsonObject().put("optionalRelationshipFilter", filter("folder", null)),
                "optionalRelationshipFilter.resourceType",
                "folder");
    }

    @Test
    void anImportNamesTheLineAndTheField() {
        String ok = ServerFixture.relationshipJson("document:i1#viewer@user:ann");
        String body = ok + "\n" + ServerFixture.relationshipJson("folder:i1#viewer@user:ann") + "\n";
        JsonObject e = f.post("/v1/relationships/importbulk", body).error(400);
        assertUnknown(e, "line 2.resource.objectType", "folder");
        String batch = new JsonObject()
                .put(
                        "relationships",
                        new JsonArray()
                                .add(new JsonObject(ok))
                                .add(new JsonObject(ServerFixture.relationshipJson("document:i1#viewer@robot:r2"))))
                .encode();
        e = f.post("/v1/relationships/importbulk", ok + "\n\n" + batch + "\n").error(400);
        assertUnknown(e, "line 3.relationships[1].subject.object.objectType", "robot");
    }

    @Test
    void beforeAnySchemaTheCodeSaysSo() {
        try (ServerFixture empty = ServerFixture.withKey()) {
            for (String path : List.of("/v1/permissions/check", "/v1/schema/read")) {
                String body = path.endsWith("check")
                        ? check("document", "view", subject("user", "a", null)).encode()
                        : "{}";
                // a schema read is NOT_FOUND, anything else FAILED_PRECONDITION (every type is unknown), as SpiceDB
                boolean read = path.endsWith("read");
                JsonObject e = empty.post(path, body).error(read ? 404 : 400);
                assertThat(e.getInteger("code")).isEqualTo(read ? 5 : 9);
                assertThat(ServerFixture.reason(e))
                        .isEqualTo(read ? "ERROR_REASON_UNSPECIFIED" : "ERROR_REASON_UNKNOWN_DEFINITION");
                assertThat(ServerFixture.meta(e).getString("code")).isEqualTo("NO_SCHEMA");
                assertThat(e.getString("message")).contains("no schema has been written");
            }
        }
    }
}
