package dev.kith.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kith.conformance.gateway.SwaggerShapes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kith-conformance gateway-shapes SWAGGER}: kith's HTTP answers against SpiceDB's published description of
 * its HTTP gateway (Swagger 2.0, {@code apidocs.swagger.json}). An embedded kith gets a schema and relationships;
 * then every {@code POST} path of the document is called with a request of kith's own making (and some a second
 * time with a request that must fail), and each answer is checked with {@link SwaggerShapes}: a 200 against the
 * path's 200 schema (a stream line by line against its "stream result" schema), any other status against its
 * {@code default} schema (SpiceDB's {@code Status}). A field kith writes that the document does not declare, a
 * wrong type or a missing required field is a FAIL. A path kith does not serve is a FAIL unless it is listed in
 * {@link #NOT_SERVED} with the reason. Prints a line per call, then {@code N passed, N failed, N not served};
 * exits 0 only when nothing failed.
 */
@Command(
        name = "gateway-shapes",
        mixinStandardHelpOptions = true,
        description = "Check kith's HTTP answers against SpiceDB's Swagger document; print N passed, N failed.")
final class GatewayShapesCommand implements Callable<Integer> {
    /**
     * Fields kith adds to SpiceDB's answers, each documented in the api README: the conditions of a caveated or
     * expiring subject in an expand tree, the consistency token of an import, and kith's own check trace beside
     * SpiceDB's. A SpiceDB client ignores them.
     */
    static final java.util.Set<String> KITH_ADDITIONS = java.util.Set.of(
            "CheckPermissionResponse.kithDebugTrace",
            "CheckBulkPermissionsResponseItem.kithDebugTrace",
            "BulkCheckPermissionResponseItem.kithDebugTrace",
            "SubjectReference.optionalCaveat",
            "SubjectReference.optionalExpiresAt",
            "ImportBulkRelationshipsResponse.writtenAt",
            "BulkImportRelationshipsResponse.writtenAt");

    private static final String COUNTERS =
            "kith keeps no registered relationship counters (state every node would share through the datastore)";

    /** Paths of the document kith does not serve, with the reason (the api README says the same). */
    static final Map<String, String> NOT_SERVED = Map.of(
            "/v1/experimental/registerrelationshipcounter", COUNTERS,
            "/v1/experimental/countrelationships", COUNTERS,
            "/v1/experimental/unregisterrelationshipcounter", COUNTERS);

    private static final ObjectMapper JSON = new ObjectMapper();

    /** In a step's body: the token of the schema write, known only once it has answered. */
    private static final String START = "%START_TOKEN%";

    private static final String SCHEMA = """
            use expiration

            definition user {}

            caveat on_day(day string) {
                day == "monday"
            }

            definition group {
                relation member: user | group#member
            }

            /** a document */
            definition document {
                relation viewer: user | user:* | group#member | user with on_day | user with expiration
                relation owner: user
                permission edit = owner
                permission view = viewer + edit
            }
            """;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SWAGGER", description = "SpiceDB's apidocs.swagger.json")
    Path swaggerFile;

    private int passed;
    private int failed;
    private int notServed;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        JsonNode swagger = JSON.readTree(Files.readString(swaggerFile));
        SwaggerShapes shapes = new SwaggerShapes(swagger, KITH_ADDITIONS);
        try (EmbeddedKith kith = new EmbeddedKith()) {
            Calls calls = new Calls(kith);
            TreeSet<String> called = new TreeSet<>();
            for (Step step : steps()) {
                called.add(step.path);
                JsonNode operation = swagger.path("paths").path(step.path).path("post");
                if (operation.isMissingNode()) {
                    out.println("FAIL " + step.name + ": kith serves " + step.path
                            + ", which the document does not describe");
                    failed++;
                    continue;
                }
                Answer answer;
                try {
                    String body = step.body.contains(START) ? step.body.replace(START, calls.firstToken()) : step.body;
                    answer = calls.post(step.path, body, step.contentType, step.stream);
                } catch (IOException | InterruptedException e) {
                    out.println("FAIL " + step.name + ": the call failed: " + e.getMessage());
                    failed++;
                    continue;
                }
                judge(out, shapes, operation, step, answer);
            }
            for (Iterator<String> it = swagger.path("paths").fieldNames(); it.hasNext(); ) {
                String path = it.next();
                if (swagger.path("paths").path(path).has("post") && !called.contains(path)) {
                    out.println("FAIL " + path + ": the document describes it and no step calls it");
                    failed++;
                }
            }
        }
        shapes.additionsSeen().forEach(a -> out.println("note: kith's addition " + a + " (not in SpiceDB's answers)"));
        out.println(passed + " passed, " + failed + " failed, " + notServed + " not served");
        return failed == 0 ? 0 : 1;
    }

    private void judge(PrintWriter out, SwaggerShapes shapes, JsonNode operation, Step step, Answer answer) {
        if ((answer.status == 404 || answer.status == 501) && NOT_SERVED.containsKey(step.path)) {
            out.println("NOT SERVED " + step.name + ": " + NOT_SERVED.get(step.path));
            notServed++;
            return;
        }
        boolean ok = answer.status == 200;
        if (ok != step.succeeds) {
            out.println("FAIL " + step.name + ": answered " + answer.status + " " + head(answer.lines));
            failed++;
            return;
        }
        JsonNode schema =
                operation.path("responses").path(ok ? "200" : "default").path("schema");
        List<String> problems = new ArrayList<>();
        if (answer.lines.isEmpty()) problems.add("the answer has no body");
        int line = 0;
        for (String text : answer.lines) {
            line++;
            JsonNode value;
            try {
                value = JSON.readTree(text);
            } catch (IOException e) {
                problems.add("line " + line + " is not JSON: " + head(List.of(text)));
                continue;
            }
            problems.addAll(shapes.check(value, schema, step.stream && ok ? "line " + line : ""));
        }
        if (problems.isEmpty()) {
            out.println("PASS " + step.name + " (" + answer.status + ", " + answer.lines.size() + " line"
                    + (answer.lines.size() == 1 ? "" : "s") + ")");
            passed++;
        } else {
            out.println("FAIL " + step.name + " (" + answer.status + ")");
            problems.stream().limit(20).forEach(p -> out.println("    " + p));
            failed++;
        }
    }

    private static String head(List<String> lines) {
        String s = String.join("\n", lines);
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    /** One call: a path, its body, and whether it must succeed. */
    private record Step(String name, String path, String body, String contentType, boolean stream, boolean succeeds) {
        static Step ok(String name, String path, String body) {
            return new Step(name, path, body, "application/json", false, true);
        }

        static Step stream(String name, String path, String body) {
            return new Step(name, path, body, "application/json", true, true);
        }

        static Step fails(String name, String path, String body) {
            return new Step(name, path, body, "application/json", false, false);
        }
    }

    /** The calls, in order: each may use what an earlier one answered (tokens, cursors). */
    private static List<Step> steps() throws IOException {
        String schema = JSON.writeValueAsString(SCHEMA);
        String rel = """
                {"operation": "OPERATION_TOUCH", "relationship": {"resource": {"objectType": "document", "objectId": "%s"},
                 "relation": "%s", "subject": {"object": {"objectType": "%s", "objectId": "%s"}%s}%s}}""";
        String updates = String.join(
                        ",",
                        rel.formatted("d1", "viewer", "user", "ann", "", ""),
                        rel.formatted(
                                "d1", "viewer", "user", "cy", "", ", \"optionalCaveat\": {\"caveatName\": \"on_day\"}"),
                        rel.formatted(
                                "d1", "viewer", "user", "dee", "", ", \"optionalExpiresAt\": \"2999-01-01T00:00:00Z\""),
                        rel.formatted("d2", "viewer", "group", "g", ", \"optionalRelation\": \"member\"", ""),
                        rel.formatted("d3", "owner", "user", "ann", "", ""),
                        rel.formatted("d4", "viewer", "user", "*", "", ""))
                + ",{\"operation\": \"OPERATION_TOUCH\", \"relationship\": {\"resource\": {\"objectType\": \"group\","
                + " \"objectId\": \"g\"}, \"relation\": \"member\", \"subject\": {\"object\": {\"objectType\": \"user\","
                + " \"objectId\": \"bob\"}}}}";
        String ann = "{\"object\": {\"objectType\": \"user\", \"objectId\": \"ann\"}}";
        String d1 = "{\"objectType\": \"document\", \"objectId\": \"d1\"}";
        String full = "\"consistency\": {\"fullyConsistent\": true}";
        String filter = "{\"resourceType\": \"document\"}";
        List<Step> steps = new ArrayList<>();
        steps.add(Step.ok("schema write", "/v1/schema/write", "{\"schema\": " + schema + "}"));
        steps.add(Step.ok("relationships write", "/v1/relationships/write", "{\"updates\": [" + updates + "]}"));
        steps.add(Step.fails(
                "relationships write, a precondition that fails",
                "/v1/relationships/write",
                "{\"updates\": [" + rel.formatted("d9", "owner", "user", "ann", "", "")
                        + "], \"optionalPreconditions\": [{\"operation\": \"OPERATION_MUST_MATCH\", \"filter\": "
                        + "{\"resourceType\": \"document\", \"optionalResourceId\": \"nope\"}}]}"));
        steps.add(Step.ok("schema read", "/v1/schema/read", "{}"));
        steps.add(Step.ok(
                "check",
                "/v1/permissions/check",
                "{" + full + ", \"resource\": " + d1 + ", \"permission\": \"view\", \"subject\": " + ann + "}"));
        steps.add(Step.ok(
                "check, conditional, traced",
                "/v1/permissions/check",
                "{" + full + ", \"resource\": " + d1 + ", \"permission\": \"view\", \"withTracing\": true,"
                        + " \"subject\": {\"object\": {\"objectType\": \"user\", \"objectId\": \"cy\"}}}"));
        steps.add(Step.fails(
                "check, an unknown type",
                "/v1/permissions/check",
                "{\"resource\": {\"objectType\": \"nosuch\", \"objectId\": \"x\"}, \"permission\": \"view\","
                        + " \"subject\": " + ann + "}"));
        steps.add(Step.ok(
                "bulk check, one item failing",
                "/v1/permissions/checkbulk",
                "{" + full + ", \"items\": [{\"resource\": " + d1 + ", \"permission\": \"view\", \"subject\": " + ann
                        + "}, {\"resource\": " + d1 + ", \"permission\": \"nosuch\", \"subject\": " + ann + "}]}"));
        steps.add(Step.ok(
                "expand",
                "/v1/permissions/expand",
                "{" + full + ", \"resource\": " + d1 + ", \"permission\": \"view\"}"));
        steps.add(Step.stream(
                "lookup resources",
                "/v1/permissions/resources",
                "{" + full + ", \"resourceObjectType\": \"document\", \"permission\": \"view\", \"subject\": "
                        + "{\"object\": {\"objectType\": \"user\", \"objectId\": \"cy\"}}}"));
        steps.add(Step.stream(
                "lookup subjects",
                "/v1/permissions/subjects",
                "{" + full + ", \"resource\": " + d1 + ", \"permission\": \"view\", \"subjectObjectType\": \"user\"}"));
        steps.add(Step.stream(
                "read relationships, paged",
                "/v1/relationships/read",
                "{" + full + ", \"relationshipFilter\": " + filter + ", \"optionalLimit\": 2}"));
        steps.add(Step.stream("export", "/v1/relationships/exportbulk", "{" + full + ", \"optionalLimit\": 3}"));
        steps.add(new Step(
                "import",
                "/v1/relationships/importbulk",
                "{\"relationships\": [{\"resource\": {\"objectType\": \"document\", \"objectId\": \"d7\"}, \"relation\":"
                        + " \"owner\", \"subject\": " + ann + "}]}\n",
                "application/x-ndjson",
                false,
                true));
        steps.add(Step.ok(
                "delete",
                "/v1/relationships/delete",
                "{\"relationshipFilter\": {\"resourceType\": \"document\", \"optionalResourceId\": \"d3\"}}"));
        steps.add(Step.stream("watch", "/v1/watch", "{\"optionalStartCursor\": {\"token\": \"" + START + "\"}}"));
        steps.add(Step.ok("schema reflect", "/v1/schema/reflectschema", "{" + full + "}"));
        steps.add(Step.ok(
                "schema diff", "/v1/schema/diffschema", "{" + full + ", \"comparisonSchema\": " + schema + "}"));
        steps.add(Step.ok(
                "computable permissions",
                "/v1/schema/permissions/computable",
                "{" + full + ", \"definitionName\": \"document\", \"relationName\": \"viewer\"}"));
        steps.add(Step.ok(
                "dependent relations",
                "/v1/schema/permissions/dependent",
                "{" + full + ", \"definitionName\": \"document\", \"permissionName\": \"view\"}"));
        steps.add(Step.ok("experimental reflect", "/v1/experimental/reflectschema", "{" + full + "}"));
        steps.add(Step.ok(
                "experimental diff",
                "/v1/experimental/diffschema",
                "{" + full + ", \"comparisonSchema\": " + schema + "}"));
        steps.add(Step.ok(
                "experimental computable permissions",
                "/v1/experimental/permissions/computable",
                "{" + full + ", \"definitionName\": \"document\", \"relationName\": \"viewer\"}"));
        steps.add(Step.ok(
                "experimental dependent relations",
                "/v1/experimental/permissions/dependent",
                "{" + full + ", \"definitionName\": \"document\", \"permissionName\": \"view\"}"));
        steps.add(Step.ok(
                "experimental bulk check",
                "/v1/experimental/permissions/bulkcheckpermission",
                "{" + full + ", \"items\": [{\"resource\": " + d1 + ", \"permission\": \"view\", \"subject\": " + ann
                        + "}]}"));
        steps.add(Step.stream("experimental export", "/v1/experimental/relationships/bulkexport", "{" + full + "}"));
        steps.add(new Step(
                "experimental import",
                "/v1/experimental/relationships/bulkimport",
                "{\"relationships\": [{\"resource\": {\"objectType\": \"document\", \"objectId\": \"d8\"}, \"relation\":"
                        + " \"owner\", \"subject\": " + ann + "}]}\n",
                "application/x-ndjson",
                false,
                true));
        steps.add(Step.ok(
                "experimental register counter",
                "/v1/experimental/registerrelationshipcounter",
                "{\"name\": \"docs\", \"relationshipFilter\": " + filter + "}"));
        steps.add(Step.ok("experimental count", "/v1/experimental/countrelationships", "{\"name\": \"docs\"}"));
        steps.add(Step.ok(
                "experimental unregister counter",
                "/v1/experimental/unregisterrelationshipcounter",
                "{\"name\": \"docs\"}"));
        return steps;
    }

    /** An answer: its status and its body's lines (one for a plain JSON body). */
    private record Answer(int status, List<String> lines) {}

    /** Raw HTTP calls to the embedded server, keeping the token of the first write for the watch. */
    private static final class Calls {
        private final EmbeddedKith kith;
        private final HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        private String firstToken;

        Calls(EmbeddedKith kith) {
            this.kith = kith;
        }

        /** The token of the schema write, taken before any relationship was written (so a watch sees them). */
        String firstToken() throws IOException {
            if (firstToken == null) throw new IOException("no write has answered with a token yet");
            return firstToken;
        }

        Answer post(String path, String body, String contentType, boolean stream)
                throws IOException, InterruptedException {
            HttpRequest request = HttpRequest.newBuilder(URI.create(kith.baseUrl() + path))
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + kith.key())
                    .header("Content-Type", contentType)
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            HttpResponse<InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            List<String> lines = new ArrayList<>();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                if (path.equals("/v1/watch") && r.statusCode() == 200) {
                    // a watch stays open: its first change set is enough
                    String line = in.readLine();
                    if (line != null) lines.add(line);
                } else if (stream) {
                    for (String line; (line = in.readLine()) != null; ) if (!line.isBlank()) lines.add(line);
                } else {
                    StringBuilder all = new StringBuilder();
                    for (String line; (line = in.readLine()) != null; )
                        all.append(line).append('\n');
                    if (!all.isEmpty()) lines.add(all.toString());
                }
            }
            if (firstToken == null && r.statusCode() == 200 && path.equals("/v1/schema/write")) {
                firstToken = new ObjectMapper()
                        .readTree(lines.get(0))
                        .path("writtenAt")
                        .path("token")
                        .asText();
            }
            return new Answer(r.statusCode(), lines);
        }
    }

    /** For tests: the NOT_SERVED table as an ordered map. */
    static Map<String, String> notServed() {
        return new LinkedHashMap<>(NOT_SERVED);
    }
}
