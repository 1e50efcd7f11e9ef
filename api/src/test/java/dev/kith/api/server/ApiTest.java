package dev.kith.api.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The request/response endpoints over real HTTP: schema, writes, deletes, check, bulk check, expand. */
class ApiTest {
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

    @Test
    void schemaReadReturnsTheTextWithAToken() {
        var a = f.post("/v1/schema/read", "{}");
        assertThat(a.status).as(a.text).isEqualTo(200);
        assertThat(a.json().getString("schemaText")).contains("definition document");
        assertThat(a.json().getJsonObject("readAt").getString("token")).isNotBlank();
    }

    @Test
    void aSchemaErrorComesBackWithLineAndColumn() {
        var a = f.post(
                "/v1/schema/write",
                "{\"schema\":\"definition user {}\\ndefinition doc {\\n  relation viewer: usr\\n}\"}");
        JsonObject e = a.error(400);
        JsonArray diagnostics = new JsonArray(ServerFixture.meta(e).getString("diagnostics"));
        assertThat(diagnostics).isNotEmpty();
        assertThat(diagnostics.getJsonObject(0).getInteger("line")).isEqualTo(3);
        assertThat(diagnostics.getJsonObject(0).getInteger("column")).isPositive();
        assertThat(diagnostics.getJsonObject(0).getString("message")).isNotBlank();
    }

    @Test
    void aSchemaThatWouldOrphanStoredRelationshipsIsAnInvalidArgumentNamingOne() {
        f.touch("document:kept#banned@user:bea");
        String withoutBanned = ServerFixture.SCHEMA.replace("relation banned: user", "relation banned: group#member");
        var a = f.post(
                "/v1/schema/write",
                new JsonObject().put("schema", withoutBanned).encode());
        JsonObject e = a.error(400);
        assertThat(ServerFixture.meta(e).getString("code")).isEqualTo("INVALID_ARGUMENT");
        assertThat(ServerFixture.meta(e).getString("field")).isEqualTo("schema");
        assertThat(e.getString("message")).contains("document:kept#banned@user:bea");
        assertThat(f.post("/v1/schema/read", "{}").json().getString("schemaText"))
                .contains("relation banned");
    }

    @Test
    void aWriteThenACheckAtLeastAsFreshAsItsTokenSeesTheWrite() {
        String token = f.touch("document:fresh#viewer@user:ann");
        String body = new JsonObject(ServerFixture.checkJson("document", "fresh", "view", "user", "ann"))
                .put("consistency", new JsonObject().put("atLeastAsFresh", new JsonObject().put("token", token)))
                .encode();
        var a = f.post("/v1/permissions/check", body);
        assertThat(a.status).as(a.text).isEqualTo(200);
        assertThat(a.json().getString("permissionship")).isEqualTo("PERMISSIONSHIP_HAS_PERMISSION");
        assertThat(a.json().getJsonObject("checkedAt").getString("token")).isNotBlank();
    }

    @Test
    void checkAnswersNoAndConditionalWithTheMissingContext() {
        f.touch("document:cav#viewer@user:cat[on_day]");
        var no = f.post("/v1/permissions/check", ServerFixture.checkJson("document", "cav", "view", "user", "nobody"));
        assertThat(no.json().getString("permissionship")).isEqualTo("PERMISSIONSHIP_NO_PERMISSION");

        var cond = f.post("/v1/permissions/check", ServerFixture.checkJson("document", "cav", "view", "user", "cat"));
        assertThat(cond.status).as(cond.text).isEqualTo(200);
        assertThat(cond.json().getString("permissionship")).isEqualTo("PERMISSIONSHIP_CONDITIONAL_PERMISSION");
        assertThat(cond.json().getJsonObject("partialCaveatInfo").getJsonArray("missingRequiredContext"))
                .containsExactly("day");

        String withContext = new JsonObject(ServerFixture.checkJson("document", "cav", "view", "user", "cat"))
                .put("context", new JsonObject().put("day", "monday"))
                .encode();
        assertThat(f.post("/v1/permissions/check", withContext).json().getString("permissionship"))
                .isEqualTo("PERMISSIONSHIP_HAS_PERMISSION");
    }

    @Test
    void withTracingReturnsADebugTrace() {
        f.touch("document:traced#owner@user:tom");
        String body = new JsonObject(ServerFixture.checkJson("document", "traced", "view", "user", "tom"))
                .put("withTracing", true)
                .encode();
        var a = f.post("/v1/permissions/check", body);
        assertThat(a.status).as(a.text).isEqualTo(200);
        JsonObject trace = a.json().getJsonObject("debugTrace").getJsonObject("check");
        assertThat(trace.getString("result")).isEqualTo("PERMISSIONSHIP_HAS_PERMISSION");
        assertThat(trace.getString("permission")).isEqualTo("view");
        JsonObject kith = a.json().getJsonObject("kithDebugTrace");
        assertThat(kith.getString("result")).isEqualTo("PERMISSIONSHIP_HAS_PERMISSION");
        assertThat(kith.getString("description")).isNotBlank();
    }

    @Test
    void snakeCaseFieldNamesAreAccepted() {
        f.touch("document:snake#viewer@user:sid");
        String body = "{\"resource\":{\"object_type\":\"document\",\"object_id\":\"snake\"},\"permission\":\"view\","
                + "\"subject\":{\"object\":{\"object_type\":\"user\",\"object_id\":\"sid\"}},"
                + "\"with_tracing\":false}";
        var a = f.post("/v1/permissions/check", body);
        assertThat(a.status).as(a.text).isEqualTo(200);
        assertThat(a.json().getString("permissionship")).isEqualTo("PERMISSIONSHIP_HAS_PERMISSION");
    }

    @Test
    void createOfAnExistingRelationshipIsAConflictAndWritesNothing() {
        f.touch("document:dup#viewer@user:dan");
        String body = "{\"updates\":["
                + "{\"operation\":\"OPERATION_CREATE\",\"relationship\":"
                + ServerFixture.relationshipJson("document:dup#viewer@user:eve") + "},"
                + "{\"operation\":\"OPERATION_CREATE\",\"relationship\":"
                + ServerFixture.relationshipJson("document:dup#viewer@user:dan") + "}]}";
        f.post("/v1/relationships/write", body).error(409);
        var eve = f.post("/v1/permissions/check", ServerFixture.checkJson("document", "dup", "view", "user", "eve"));
        assertThat(eve.json().getString("permissionship")).isEqualTo("PERMISSIONSHIP_NO_PERMISSION");
    }

    @Test
    void aFailedPreconditionIs400FailedPreconditionAndNothingIsWritten() {
        String body = "{\"updates\":[{\"operation\":\"OPERATION_TOUCH\",\"relationship\":"
                + ServerFixture.relationshipJson("document:pre#viewer@user:pat") + "}],"
                + "\"optionalPreconditions\":[{\"operation\":\"OPERATION_MUST_MATCH\",\"filter\":"
                + "{\"resourceType\":\"document\",\"optionalResourceId\":\"pre\",\"optionalRelation\":\"owner\"}}]}";
        JsonObject e = f.post("/v1/relationships/write", body).error(400);
        assertThat(e.getInteger("code")).isEqualTo(9);
        assertThat(ServerFixture.meta(e).getString("code")).isEqualTo("FAILED_PRECONDITION");
        var pat = f.post("/v1/permissions/check", ServerFixture.checkJson("document", "pre", "view", "user", "pat"));
        assertThat(pat.json().getString("permissionship")).isEqualTo("PERMISSIONSHIP_NO_PERMISSION");

        String ok = body.replace("OPERATION_MUST_MATCH", "OPERATION_MUST_NOT_MATCH");
        assertThat(f.post("/v1/relationships/write", ok).status).isEqualTo(200);
    }

    @Test
    void deleteByFilterRemovesTheMatchesAndSaysHowMany() {
        f.touch("document:del1#viewer@user:dora", "document:del1#viewer@user:dave", "document:del1#owner@user:dora");
        var a = f.post(
                "/v1/relationships/delete",
                "{\"relationshipFilter\":{\"resourceType\":\"document\",\"optionalResourceId\":\"del1\","
                        + "\"optionalRelation\":\"viewer\"}}");
        assertThat(a.status).as(a.text).isEqualTo(200);
        assertThat(a.json().getJsonObject("deletedAt").getString("token")).isNotBlank();
        assertThat(a.json().getString("deletionProgress")).isEqualTo("DELETION_PROGRESS_COMPLETE");
        assertThat(a.json().getString("relationshipsDeletedCount")).isEqualTo("2");
        var dave = f.post("/v1/permissions/check", ServerFixture.checkJson("document", "del1", "view", "user", "dave"));
        assertThat(dave.json().getString("permissionship")).isEqualTo("PERMISSIONSHIP_NO_PERMISSION");
        var dora = f.post("/v1/permissions/check", ServerFixture.checkJson("document", "del1", "view", "user", "dora"));
        assertThat(dora.json().getString("permissionship")).isEqualTo("PERMISSIONSHIP_HAS_PERMISSION");
    }

    @Test
    void deleteWithALimitBelowTheMatchesFailsUnlessPartialIsAllowed() {
        f.touch("document:lim#viewer@user:a1", "document:lim#viewer@user:a2", "document:lim#viewer@user:a3");
        String filter = "\"relationshipFilter\":{\"resourceType\":\"document\",\"optionalResourceId\":\"lim\"}";
        var refused = f.post("/v1/relationships/delete", "{" + filter + ",\"optionalLimit\":2}");
        assertThat(refused.status).as(refused.text).isBetween(400, 499);
        var partial = f.post(
                "/v1/relationships/delete",
                "{" + filter + ",\"optionalLimit\":2,\"optionalAllowPartialDeletions\":true}");
        assertThat(partial.status).as(partial.text).isEqualTo(200);
        assertThat(partial.json().getString("deletionProgress")).isEqualTo("DELETION_PROGRESS_PARTIAL");
        assertThat(partial.json().getString("relationshipsDeletedCount")).isEqualTo("2");
        var rest = f.post("/v1/relationships/read", "{" + filter + "}");
        assertThat(rest.results()).hasSize(1);
    }

    @Test
    void checkBulkAnswersEachItemOrGivesItItsOwnError() {
        f.touch("document:bulk#viewer@user:bea");
        String good = ServerFixture.checkJson("document", "bulk", "view", "user", "bea");
        String no = ServerFixture.checkJson("document", "bulk", "view", "user", "bob");
        String badId = ServerFixture.checkJson("document", "bad id!", "view", "user", "bea");
        String unknownPermission = ServerFixture.checkJson("document", "bulk", "nosuchperm", "user", "bea");
        var a = f.post(
                "/v1/permissions/checkbulk",
                "{\"items\":[" + good + "," + no + "," + badId + "," + unknownPermission + "]}");
        assertThat(a.status).as(a.text).isEqualTo(200);
        JsonArray pairs = a.json().getJsonArray("pairs");
        assertThat(pairs).hasSize(4);
        assertThat(pairs.getJsonObject(0).getJsonObject("item").getString("permissionship"))
                .isEqualTo("PERMISSIONSHIP_HAS_PERMISSION");
        assertThat(pairs.getJsonObject(1).getJsonObject("item").getString("permissionship"))
                .isEqualTo("PERMISSIONSHIP_NO_PERMISSION");
        assertThat(pairs.getJsonObject(2).getJsonObject("error").getString("message"))
                .contains("items[2]");
        assertThat(pairs.getJsonObject(3).getJsonObject("error").getString("message"))
                .contains("nosuchperm");
        assertThat(a.json().getJsonObject("checkedAt").getString("token")).isNotBlank();
    }

    @Test
    void expandReturnsTheTree() {
        f.touch("document:exp#viewer@user:xena", "document:exp#owner@user:olga");
        var a = f.post(
                "/v1/permissions/expand",
                "{\"resource\":{\"objectType\":\"document\",\"objectId\":\"exp\"},\"permission\":\"view\"}");
        assertThat(a.status).as(a.text).isEqualTo(200);
        assertThat(a.json().getJsonObject("expandedAt").getString("token")).isNotBlank();
        assertThat(a.text).contains("xena").contains("olga").contains("OPERATION_");
    }

    @Test
    void expandMarksTheTreeReachedThroughACaveatedArrowLink() throws Exception {
        f.touch(
                "report:q1#source@group:sales[on_day]",
                "report:q1#source@group:ops",
                "group:sales#member@user:sam",
                "group:ops#member@user:oda");
        var a = f.post(
                "/v1/permissions/expand",
                "{\"resource\":{\"objectType\":\"report\",\"objectId\":\"q1\"},\"permission\":\"read\"}");
        assertThat(a.status).as(a.text).isEqualTo(200);
        JsonObject arrow = a.json().getJsonObject("treeRoot").getJsonObject("intermediate");
        assertThat(arrow.getString("operation")).isEqualTo("OPERATION_UNION");
        JsonArray linked = arrow.getJsonArray("children");
        assertThat(linked).hasSize(2);
        for (int i = 0; i < linked.size(); i++) {
            JsonObject child = linked.getJsonObject(i);
            String group = child.getJsonObject("expandedObject").getString("objectId");
            assertThat(child.getString("expandedRelation")).isEqualTo("member");
            if (group.equals("sales")) {
                assertThat(child.getJsonObject("optionalCaveat").getString("caveatName"))
                        .isEqualTo("on_day");
            } else {
                assertThat(group).isEqualTo("ops");
                assertThat(child.containsKey("optionalCaveat")).isFalse();
            }
        }
    }
}
