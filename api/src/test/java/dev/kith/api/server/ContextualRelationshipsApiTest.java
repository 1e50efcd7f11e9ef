package dev.kith.api.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code contextualRelationships} over real HTTP: check, bulk check, expand and both lookups answer with them,
 * errors name the item by index, the count is limited, and nothing of them is ever stored.
 */
class ContextualRelationshipsApiTest {
    static ServerFixture f;

    @BeforeAll
    static void start() {
        f = ServerFixture.withKey();
        f.writeSchema();
        f.touch("report:qone#source@group:fin", "document:memo#viewer@user:bob");
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    private static JsonArray contextual(String... relationships) {
        JsonArray out = new JsonArray();
        for (String r : relationships) out.add(new JsonObject(ServerFixture.relationshipJson(r)));
        return out;
    }

    private static String check(String type, String id, String permission, String user, String... relationships) {
        return new JsonObject(ServerFixture.checkJson(type, id, permission, "user", user))
                .put("contextualRelationships", contextual(relationships))
                .encode();
    }

    private static String permissionship(ServerFixture.Answer a) {
        assertThat(a.status).as(a.text).isEqualTo(200);
        return a.json().getString("permissionship");
    }

    @Test
    void checkCountsAContextualMembershipOnAStoredArrow() {
        assertThat(permissionship(f.post("/v1/permissions/check", check("report", "qone", "read", "ann"))))
                .isEqualTo("PERMISSIONSHIP_NO_PERMISSION");
        assertThat(permissionship(f.post(
                        "/v1/permissions/check", check("report", "qone", "read", "ann", "group:fin#member@user:ann"))))
                .isEqualTo("PERMISSIONSHIP_HAS_PERMISSION");
        assertThat(permissionship(f.post(
                        "/v1/permissions/check",
                        check("document", "onlyhere", "view", "ann", "document:onlyhere#viewer@user:ann"))))
                .isEqualTo("PERMISSIONSHIP_HAS_PERMISSION");
        assertThat(permissionship(f.post(
                        "/v1/permissions/check",
                        check("document", "memo", "view", "cat", "document:memo#viewer@user:cat[on_day]"))))
                .isEqualTo("PERMISSIONSHIP_CONDITIONAL_PERMISSION");
    }

    @Test
    void bulkCheckTakesOneListForTheWholeRequest() {
        JsonObject body = new JsonObject()
                .put(
                        "items",
                        new JsonArray()
                                .add(new JsonObject(ServerFixture.checkJson("report", "qone", "read", "user", "ann")))
                                .add(new JsonObject(ServerFixture.checkJson("document", "memo", "view", "user", "ann")))
                                .add(new JsonObject(ServerFixture.checkJson("report", "qone", "read", "user", "ann"))
                                        .put("contextualRelationships", contextual("group:fin#member@user:ann"))))
                .put("contextualRelationships", contextual("group:fin#member@user:ann"));
        var a = f.post("/v1/permissions/checkbulk", body.encode());
        assertThat(a.status).as(a.text).isEqualTo(200);
        JsonArray pairs = a.json().getJsonArray("pairs");
        assertThat(pairs.getJsonObject(0).getJsonObject("item").getString("permissionship"))
                .isEqualTo("PERMISSIONSHIP_HAS_PERMISSION");
        assertThat(pairs.getJsonObject(1).getJsonObject("item").getString("permissionship"))
                .isEqualTo("PERMISSIONSHIP_NO_PERMISSION");
        // per item, the field is not one kith takes: it is ignored like any unknown field, the request's list applies
        assertThat(pairs.getJsonObject(2).getJsonObject("item").getString("permissionship"))
                .isEqualTo("PERMISSIONSHIP_HAS_PERMISSION");

        JsonObject bad = new JsonObject()
                .put(
                        "items",
                        new JsonArray()
                                .add(new JsonObject(ServerFixture.checkJson("report", "qone", "read", "user", "ann"))))
                .put(
                        "contextualRelationships",
                        contextual("group:fin#member@user:ann", "document:memo#banned@group:fin#member"));
        JsonObject e = f.post("/v1/permissions/checkbulk", bad.encode()).error(400);
        assertThat(ServerFixture.meta(e).getString("field")).isEqualTo("contextualRelationships[1].subject");
    }

    @Test
    void expandAndBothLookupsSeeThem() {
        var expand = f.post(
                "/v1/permissions/expand",
                new JsonObject()
                        .put(
                                "resource",
                                new JsonObject().put("objectType", "group").put("objectId", "fin"))
                        .put("permission", "member")
                        .put("contextualRelationships", contextual("group:fin#member@user:ann"))
                        .encode());
        assertThat(expand.status).as(expand.text).isEqualTo(200);
        assertThat(expand.text).contains("\"ann\"");

        var resources = f.post(
                "/v1/permissions/resources",
                new JsonObject()
                        .put("resourceObjectType", "report")
                        .put("permission", "read")
                        .put(
                                "subject",
                                new JsonObject()
                                        .put(
                                                "object",
                                                new JsonObject()
                                                        .put("objectType", "user")
                                                        .put("objectId", "ann")))
                        .put(
                                "contextualRelationships",
                                contextual("group:fin#member@user:ann", "report:qtwo#source@group:fin"))
                        .encode());
        assertThat(resources.results().stream()
                        .map(r -> r.getString("resourceObjectId"))
                        .sorted()
                        .toList())
                .containsExactly("qone", "qtwo");

        var subjects = f.post(
                "/v1/permissions/subjects",
                new JsonObject()
                        .put(
                                "resource",
                                new JsonObject().put("objectType", "report").put("objectId", "qone"))
                        .put("permission", "read")
                        .put("subjectObjectType", "user")
                        .put("contextualRelationships", contextual("group:fin#member@user:ann"))
                        .encode());
        assertThat(subjects.results().stream()
                        .map(r -> r.getJsonObject("subject").getString("subjectObjectId"))
                        .toList())
                .containsExactly("ann");
    }

    @Test
    void eachInvalidOneIsNamedByItsIndex() {
        record Case(String relationship, String field, String code) {}
        for (Case c : List.of(
                new Case(
                        "widget:one#viewer@user:ann", "contextualRelationships[1].resource.objectType", "UNKNOWN_NAME"),
                new Case("document:one#nothing@user:ann", "contextualRelationships[1].relation", "UNKNOWN_NAME"),
                new Case("document:one#view@user:ann", "contextualRelationships[1].relation", "INVALID_ARGUMENT"),
                new Case(
                        "document:one#banned@group:fin#member",
                        "contextualRelationships[1].subject",
                        "INVALID_ARGUMENT"),
                new Case(
                        "document:one#viewer@user:ann[nowhere]",
                        "contextualRelationships[1].optionalCaveat.caveatName",
                        "UNKNOWN_NAME"),
                new Case(
                        "document:one#viewer@user:ann[on_day:{\"day\":3}]",
                        "contextualRelationships[1].optionalCaveat.context",
                        "INVALID_ARGUMENT"))) {
            String body = check("document", "memo", "view", "ann", "group:fin#member@user:ann", c.relationship());
            JsonObject e = f.post("/v1/permissions/check", body).error(400);
            assertThat(ServerFixture.meta(e).getString("code"))
                    .as(c.relationship())
                    .isEqualTo(c.code());
            assertThat(ServerFixture.meta(e).getString("field"))
                    .as(c.relationship())
                    .isEqualTo(c.field());
            assertThat(e.getString("message")).startsWith(c.field());
        }
        // a malformed one is named as it is read
        JsonObject body = new JsonObject(ServerFixture.checkJson("document", "memo", "view", "user", "ann"))
                .put("contextualRelationships", new JsonArray().add(new JsonObject().put("relation", "viewer")));
        JsonObject e = f.post("/v1/permissions/check", body.encode()).error(400);
        assertThat(ServerFixture.meta(e).getString("field")).startsWith("contextualRelationships[0].");
        // the same relationship twice with another caveat
        JsonObject twice = f.post(
                        "/v1/permissions/check",
                        check(
                                "document",
                                "memo",
                                "view",
                                "ann",
                                "document:memo#viewer@user:ann",
                                "document:memo#viewer@user:ann[on_day]"))
                .error(400);
        assertThat(ServerFixture.meta(twice).getString("field"))
                .isEqualTo("contextualRelationships[1].optionalCaveat.caveatName");
        assertThat(twice.getString("message")).contains("repeats contextual relationship 0");
        // in a lookup too, before the stream starts
        var lookup = f.post(
                "/v1/permissions/subjects",
                new JsonObject()
                        .put(
                                "resource",
                                new JsonObject().put("objectType", "report").put("objectId", "qone"))
                        .put("permission", "read")
                        .put("subjectObjectType", "user")
                        .put("contextualRelationships", contextual("group:fin#member@document:memo"))
                        .encode());
        assertThat(lookup.text).contains("contextualRelationships[0].subject");
    }

    @Test
    void moreThanTheLimitIsRefusedNamingIt() {
        JsonArray many = new JsonArray();
        JsonObject one = new JsonObject(ServerFixture.relationshipJson("group:fin#member@user:ann"));
        for (int i = 0; i <= Limits.MAX_CONTEXTUAL_RELATIONSHIPS; i++) many.add(one);
        JsonObject body = new JsonObject(ServerFixture.checkJson("report", "qone", "read", "user", "ann"))
                .put("contextualRelationships", many);
        JsonObject e = f.post("/v1/permissions/check", body.encode()).error(400);
        assertThat(ServerFixture.meta(e).getString("code")).isEqualTo("INVALID_ARGUMENT");
        assertThat(ServerFixture.meta(e).getString("field")).isEqualTo("contextualRelationships");
        assertThat(e.getString("message"))
                .contains("1001 contextual relationships")
                .contains("at most 1000");

        many.remove(0);
        assertThat(permissionship(f.post(
                        "/v1/permissions/check",
                        new JsonObject(ServerFixture.checkJson("report", "qone", "read", "user", "ann"))
                                .put("contextualRelationships", many)
                                .encode())))
                .isEqualTo("PERMISSIONSHIP_HAS_PERMISSION");
    }

    @Test
    void neverStoredNeverReadNeverExportedNeverWatched() throws Exception {
        String start = f.touch("document:before#viewer@user:bob");
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + f.server.port() + "/v1/watch"))
                .header("Authorization", "Bearer " + ServerFixture.KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"optionalStartCursor\":{\"token\":\"" + start + "\"}}"))
                .build();
        HttpResponse<java.io.InputStream> watch = HttpClient.newHttpClient()
                .sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                .get(10, TimeUnit.SECONDS);
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(watch.body(), StandardCharsets.UTF_8))) {
            assertThat(permissionship(f.post(
                            "/v1/permissions/check",
                            check("document", "ghost", "view", "gus", "document:ghost#viewer@user:gus"))))
                    .isEqualTo("PERMISSIONSHIP_HAS_PERMISSION");
            String marker = f.touch("document:after#viewer@user:bob");
            String first = CompletableFuture.supplyAsync(() -> {
                        try {
                            return lines.readLine();
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .get(10, TimeUnit.SECONDS);
            JsonObject change = new JsonObject(first).getJsonObject("result");
            assertThat(change.getJsonObject("changesThrough").getString("token"))
                    .isEqualTo(marker);
            assertThat(first).doesNotContain("ghost").doesNotContain("gus");
        } finally {
            watch.body().close();
        }
        var read = f.post(
                "/v1/relationships/read",
                "{\"relationshipFilter\":{\"resourceType\":\"document\",\"optionalResourceId\":\"ghost\"}}");
        assertThat(read.status).as(read.text).isEqualTo(200);
        assertThat(read.results()).isEmpty();
        var export = f.post("/v1/relationships/exportbulk", "{}");
        assertThat(export.status).as(export.text).isEqualTo(200);
        assertThat(export.text).contains("\"before\"").doesNotContain("ghost").doesNotContain("gus");
        assertThat(permissionship(f.post("/v1/permissions/check", check("document", "ghost", "view", "gus"))))
                .isEqualTo("PERMISSIONSHIP_NO_PERMISSION");
    }
}
