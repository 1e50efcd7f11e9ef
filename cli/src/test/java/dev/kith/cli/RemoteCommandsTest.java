package dev.kith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kith.api.server.KithServer;
import dev.kith.api.server.ServerConfig;
import dev.kith.engine.Engine;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.Relationship;
import dev.kith.engine.runtime.Engines;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The zed-like client commands ({@code permission}, {@code relationship}, {@code schema read|write|diff}, {@code
 * watch}) against a real server and engine, each over gRPC and over HTTP, asserting output and exit status.
 */
class RemoteCommandsTest {
    static final String KEY = "remote-test-key";
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SCHEMA = """
            use expiration

            caveat on_weekday(day string) {
                day != 'sunday'
            }

            definition user {}

            definition group {
                relation member: user | group#member
            }

            definition document {
                relation viewer: user | group#member | user with on_weekday
                relation owner: user
                relation temp: user with expiration
                permission view = viewer + owner
                permission edit = owner
            }
            """;

    static Engine engine;
    static KithServer server;

    @TempDir
    Path tmp;

    /** How a test reaches the server. */
    enum Via {
        GRPC,
        HTTP;

        List<String> args() {
            return this == GRPC
                    ? List.of("--endpoint", "127.0.0.1:" + server.grpcPort(), "--insecure", "--token", KEY)
                    : List.of("--endpoint", "http://127.0.0.1:" + server.port(), "--token", KEY);
        }

        /** An object id of this transport's own, so the two runs never see each other's relationships. */
        String id(String name) {
            return name(this) + "-" + name;
        }

        private static String name(Via v) {
            return v == GRPC ? "g" : "h";
        }
    }

    @BeforeAll
    static void start() throws Exception {
        engine = Engines.inMemory(EngineOptions.defaults().withDepthLimit(8));
        server = KithServer.start(engine, ServerConfig.loopback(List.of(KEY)).withGrpcPort(0))
                .await(30, TimeUnit.SECONDS);
        engine.writeSchema(SCHEMA);
        // A chain of 12 groups, each a member of the next: deeper than the depth limit of 8.
        List<Relationship> chain = new ArrayList<>();
        for (int i = 0; i < 12; i++)
            chain.add(Relationship.parse("group:chain" + (i + 1) + "#member@group:chain" + i + "#member"));
        chain.add(Relationship.parse("group:chain0#member@user:deep"));
        engine.importBulk(chain.iterator());
    }

    @AfterAll
    static void stop() {
        server.close();
        engine.close();
    }

    /** {@code kith args… CONNECTION} against the test server. */
    static KithCli.Run kith(Via via, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(via.args());
        return KithCli.run(all.toArray(String[]::new));
    }

    static KithCli.Run ok(Via via, String... args) {
        KithCli.Run run = kith(via, args);
        assertThat(run.status())
                .as("kith %s: %s", String.join(" ", args), run.err())
                .isZero();
        return run;
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void createTouchDeleteAndCheck(Via via) throws Exception {
        String doc = "document:" + via.id("d1");
        KithCli.Run created = ok(via, "relationship", "create", doc, "viewer", "user:ann");
        assertThat(created.out().strip()).isNotEmpty().doesNotContain(" ");

        KithCli.Run again = kith(via, "relationship", "create", doc, "viewer", "user:ann");
        assertThat(again.status()).isEqualTo(1);
        assertThat(again.err()).startsWith("kith: ALREADY_EXISTS").doesNotContain("\tat ");

        KithCli.Run yes = kith(via, "permission", "check", doc, "view", "user:ann");
        assertThat(yes.status()).isZero();
        assertThat(yes.out().strip()).isEqualTo("true");
        KithCli.Run no = kith(via, "permission", "check", doc, "view", "user:bob");
        assertThat(no.status()).isEqualTo(2);
        assertThat(no.out().strip()).isEqualTo("false");

        KithCli.Run json = kith(via, "permission", "check", doc, "view", "user:ann", "--consistency-full", "--json");
        JsonNode answer = JSON.readTree(json.out());
        assertThat(answer.path("permissionship").asText()).isEqualTo("PERMISSIONSHIP_HAS_PERMISSION");
        assertThat(answer.path("checkedAt").path("token").asText()).isNotEmpty();

        ok(via, "relationship", "delete", doc, "viewer", "user:ann");
        assertThat(kith(via, "permission", "check", doc, "view", "user:ann", "--consistency-full")
                        .status())
                .isEqualTo(2);

        // touch twice is fine; the second replaces the first
        ok(via, "relationship", "touch", doc, "owner", "user:cy");
        KithCli.Run touched = ok(via, "relationship", "touch", doc, "owner", "user:cy", "--json");
        assertThat(JSON.readTree(touched.out()).path("writtenAt").path("token").asText())
                .isNotEmpty();
        String token =
                JSON.readTree(touched.out()).path("writtenAt").path("token").asText();
        assertThat(kith(via, "permission", "check", doc, "edit", "user:cy", "--consistency-at-least", token)
                        .status())
                .isZero();
        KithCli.Run both = kith(
                via,
                "permission",
                "check",
                doc,
                "edit",
                "user:cy",
                "--consistency-full",
                "--consistency-at-least",
                token);
        assertThat(both.status()).isEqualTo(1);
        assertThat(both.err()).contains("give at most one of --consistency-full");
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void subjectSetsCaveatsAndExpiration(Via via) {
        String doc = "document:" + via.id("d2");
        String team = "group:" + via.id("eng");
        ok(via, "relationship", "create", doc, "viewer", team + "#member");
        ok(via, "relationship", "create", team, "member", "user:dan");
        assertThat(kith(via, "permission", "check", doc, "view", "user:dan").status())
                .isZero();
        assertThat(kith(via, "permission", "check", doc, "view", team + "#member")
                        .status())
                .isZero();

        ok(via, "relationship", "create", doc, "viewer", "user:cat", "--caveat", "on_weekday");
        KithCli.Run conditional = kith(via, "permission", "check", doc, "view", "user:cat");
        assertThat(conditional.status()).isEqualTo(3);
        assertThat(conditional.out().strip()).isEqualTo("caveated (missing context: day)");
        KithCli.Run monday =
                kith(via, "permission", "check", doc, "view", "user:cat", "--caveat-context", "{\"day\": \"monday\"}");
        assertThat(monday.status()).isZero();
        KithCli.Run sunday =
                kith(via, "permission", "check", doc, "view", "user:cat", "--caveat-context", "{\"day\": \"sunday\"}");
        assertThat(sunday.status()).isEqualTo(2);
        KithCli.Run badContext = kith(via, "permission", "check", doc, "view", "user:cat", "--caveat-context", "[1]");
        assertThat(badContext.status()).isEqualTo(1);
        assertThat(badContext.err()).contains("--caveat-context").contains("JSON object");

        ok(via, "relationship", "create", doc, "temp", "user:eve", "--expiration-time", "2099-01-01T00:00:00Z");
        KithCli.Run read = ok(via, "relationship", "read", doc);
        assertThat(read.out().lines())
                .contains(
                        doc + "#viewer@" + team + "#member",
                        doc + "#viewer@user:cat[on_weekday]",
                        doc + "#temp@user:eve[expiration:2099-01-01T00:00:00Z]");
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void readFiltersPagesAndBulkDelete(Via via) throws Exception {
        for (int i = 0; i < 5; i++)
            ok(via, "relationship", "create", "document:" + via.id("r" + i), "viewer", "user:" + via.id("ray"));
        ok(via, "relationship", "create", "document:" + via.id("r0"), "owner", "user:" + via.id("ray"));

        KithCli.Run zedForm =
                ok(via, "relationship", "read", "document", "viewer", "user:" + via.id("ray"), "--page-limit", "2");
        assertThat(zedForm.out().lines()).hasSize(5).allMatch(l -> l.endsWith("#viewer@user:" + via.id("ray")));
        KithCli.Run compact = ok(via, "relationship", "read", "document:" + via.id("r0"));
        assertThat(compact.out().lines())
                .containsExactlyInAnyOrder(
                        "document:" + via.id("r0") + "#viewer@user:" + via.id("ray"),
                        "document:" + via.id("r0") + "#owner@user:" + via.id("ray"));
        KithCli.Run prefix = ok(via, "relationship", "read", "document:" + via.id("r") + "%", "owner");
        assertThat(prefix.out().lines()).containsExactly("document:" + via.id("r0") + "#owner@user:" + via.id("ray"));
        KithCli.Run json = ok(via, "relationship", "read", "document:" + via.id("r1"), "--json");
        assertThat(JSON.readTree(json.out().lines().findFirst().orElseThrow())
                        .path("relationship")
                        .path("subject")
                        .path("object")
                        .path("objectId")
                        .asText())
                .isEqualTo(via.id("ray"));

        KithCli.Run refused = kith(
                via,
                "relationship",
                "touch",
                "document:" + via.id("r9"),
                "viewer",
                "user:" + via.id("ray"),
                "--precondition-must-match",
                "document:" + via.id("nothing"));
        assertThat(refused.status()).isEqualTo(1);
        assertThat(refused.err()).contains("FAILED_PRECONDITION");
        ok(
                via,
                "relationship",
                "touch",
                "document:" + via.id("r9"),
                "viewer",
                "user:" + via.id("ray"),
                "--precondition-must-not-match",
                "document:" + via.id("nothing"));

        KithCli.Run unasked = kith(via, "relationship", "bulk-delete", "document:" + via.id("r0"));
        assertThat(unasked.status()).as("off a terminal nobody can confirm").isEqualTo(1);
        assertThat(unasked.err())
                .startsWith("kith: bulk-delete asks before deleting, and standard input is not a terminal: add"
                        + " --force")
                .contains("nothing was deleted");
        assertThat(ok(via, "relationship", "read", "document:" + via.id("r0"))
                        .out()
                        .lines())
                .hasSize(2);
        KithCli.Run deleted = ok(via, "relationship", "bulk-delete", "document:" + via.id("r0"), "--force");
        assertThat(deleted.out()).startsWith("deleted 2 relationships at ");
        assertThat(ok(via, "relationship", "read", "document:" + via.id("r0")).out())
                .isEmpty();

        KithCli.Run badFilter = kith(via, "relationship", "read", "Document");
        assertThat(badFilter.status()).isEqualTo(1);
        assertThat(badFilter.err()).contains("FILTER").contains("'Document' is not a valid resource type");
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void lookupsAndExpand(Via via) throws Exception {
        for (int i = 0; i < 3; i++)
            ok(via, "relationship", "create", "document:" + via.id("l" + i), "viewer", "user:" + via.id("lu"));
        ok(
                via,
                "relationship",
                "create",
                "document:" + via.id("lc"),
                "viewer",
                "user:" + via.id("lu"),
                "--caveat",
                "on_weekday");
        ok(via, "relationship", "create", "document:" + via.id("l0"), "owner", "user:" + via.id("max"));

        KithCli.Run all = ok(via, "permission", "lookup-resources", "document", "view", "user:" + via.id("lu"));
        assertThat(all.out().lines())
                .containsExactlyInAnyOrder(
                        via.id("l0"), via.id("l1"), via.id("l2"), via.id("lc") + " (caveated, missing context: day)");
        KithCli.Run paged = ok(
                via, "permission", "lookup-resources", "document", "view", "user:" + via.id("lu"), "--page-limit", "1");
        assertThat(paged.out().lines()).hasSize(4);
        KithCli.Run json =
                ok(via, "permission", "lookup-resources", "document", "view", "user:" + via.id("lu"), "--json");
        assertThat(json.out().lines())
                .hasSize(4)
                .allSatisfy(l ->
                        assertThat(JSON.readTree(l).has("resourceObjectId")).isTrue());

        KithCli.Run subjects = ok(via, "permission", "lookup-subjects", "document:" + via.id("l0"), "view", "user");
        assertThat(subjects.out().lines()).containsExactlyInAnyOrder("user:" + via.id("lu"), "user:" + via.id("max"));
        KithCli.Run pagedSubjects = ok(
                via, "permission", "lookup-subjects", "document:" + via.id("l0"), "view", "user", "--page-limit", "1");
        assertThat(pagedSubjects.out().lines())
                .containsExactlyInAnyOrder("user:" + via.id("lu"), "user:" + via.id("max"));

        KithCli.Run expand = ok(via, "permission", "expand", "document:" + via.id("l0"), "view");
        assertThat(expand.out())
                .contains("document:" + via.id("l0") + "#view  (union)")
                .contains("document:" + via.id("l0") + "#viewer")
                .contains("user:" + via.id("lu"))
                .contains("user:" + via.id("max"));
        KithCli.Run expandJson = ok(via, "permission", "expand", "document:" + via.id("l0"), "view", "--json");
        assertThat(JSON.readTree(expandJson.out())
                        .path("treeRoot")
                        .path("intermediate")
                        .path("operation")
                        .asText())
                .isEqualTo("OPERATION_UNION");
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void explainPrintsTheDecisionAsATree(Via via) {
        String doc = "document:" + via.id("x1");
        ok(via, "relationship", "create", doc, "viewer", "user:xan", "--caveat", "on_weekday");
        ok(via, "relationship", "create", doc, "owner", "user:yul");

        KithCli.Run caveated = kith(via, "permission", "check", doc, "view", "user:xan", "--explain");
        assertThat(caveated.status()).isEqualTo(3);
        assertThat(caveated.out())
                .contains("caveated " + doc + "#view @ user:xan  (permission)")
                .contains("caveat on_weekday: missing context: day");

        KithCli.Run granted = kith(via, "permission", "check", doc, "view", "user:yul", "--explain");
        assertThat(granted.status()).isZero();
        assertThat(granted.out().lines().toList()).first().isEqualTo("true");
        assertThat(granted.out())
                .contains("granted " + doc + "#view @ user:yul  (permission)")
                .contains("── granted " + doc + "#owner @ user:yul  (relation)");

        KithCli.Run deep = kith(via, "permission", "check", "group:chain12", "member", "user:deep", "--explain");
        assertThat(deep.status()).isEqualTo(1);
        assertThat(deep.out()).startsWith("depth ran out: the check followed more than 8 nested steps");
        assertThat(deep.err()).contains("MAX_DEPTH_EXCEEDED");
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void schemaReadWriteAndDiff(Via via) throws Exception {
        KithCli.Run read = ok(via, "schema", "read");
        assertThat(read.out()).contains("definition document").contains("caveat on_weekday");

        String doc = "document:" + via.id("s1");
        ok(via, "relationship", "create", doc, "owner", "user:sam");

        Path added = KithCli.file(
                tmp,
                "added.zed",
                read.out() + "\ndefinition folder_" + via.name().toLowerCase(java.util.Locale.ROOT)
                        + " {\n    relation viewer: user\n}\n");
        KithCli.Run diff = ok(via, "schema", "diff", added.toString());
        assertThat(diff.out().lines())
                .containsExactly(
                        "+ definition folder_" + via.name().toLowerCase(java.util.Locale.ROOT),
                        "the server would accept this schema: no stored relationship would be orphaned");

        Path removed = KithCli.file(
                tmp,
                "removed.zed",
                read.out()
                        .replace("    relation owner: user\n", "")
                        .replace("permission view = viewer + owner", "permission view = viewer")
                        .replace("permission edit = owner", "permission edit = viewer"));
        KithCli.Run refused = kith(via, "schema", "diff", removed.toString());
        assertThat(refused.status()).isEqualTo(1);
        assertThat(refused.out())
                .contains("- relation document#owner")
                .contains("~ permission document#view: expression changed")
                .contains("the server would refuse this schema: ")
                .contains("  " + doc + "#owner@user:sam");
        KithCli.Run refusedJson = kith(via, "schema", "diff", removed.toString(), "--json");
        JsonNode n = JSON.readTree(refusedJson.out());
        assertThat(n.path("orphaned").asLong()).isPositive();
        assertThat(n.path("diffs").isArray()).isTrue();
        KithCli.Run writeRefused = kith(via, "schema", "write", removed.toString());
        assertThat(writeRefused.status()).isEqualTo(1);
        assertThat(writeRefused.err()).contains("orphan");

        KithCli.Run written = ok(via, "schema", "write", added.toString());
        assertThat(written.out().strip()).isNotEmpty();
        assertThat(ok(via, "schema", "read").out())
                .contains("definition folder_" + via.name().toLowerCase(java.util.Locale.ROOT));
        assertThat(ok(via, "schema", "diff", added.toString()).out()).startsWith("no changes");

        Path broken = KithCli.file(tmp, "broken.zed", "definition doc { relation owner: nobody }");
        KithCli.Run invalid = kith(via, "schema", "write", broken.toString());
        assertThat(invalid.status()).isEqualTo(1);
        assertThat(invalid.err()).contains("nobody").doesNotContain("\tat ");
        KithCli.Run missing =
                kith(via, "schema", "write", tmp.resolve("missing.zed").toString());
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err()).contains("no such file");
    }

    /** {@code kith args… CONNECTION} with {@code input} as standard input. */
    static KithCli.Run withStdin(String input, Via via, String... args) {
        java.io.InputStream before = System.in;
        System.setIn(new java.io.ByteArrayInputStream(input.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        try {
            return kith(via, args);
        } finally {
            System.setIn(before);
        }
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void createTouchAndDeleteReadStandardInputInBatches(Via via) {
        String a = "document:" + via.id("in-a");
        String b = "document:" + via.id("in-b");
        String c = "document:" + via.id("in-c");
        String lines =
                "// viewers\n" + a + "#viewer@user:ann\n\n" + b + "#viewer@user:bob[on_weekday:{\"day\":\"monday\"}]\n"
                        + c + "#temp@user:cy[expiration:2099-01-01T00:00:00Z]\n";
        KithCli.Run created = withStdin(lines, via, "relationship", "create", "--stdin", "--batch-size", "2");
        assertThat(created.status()).as(created.err()).isZero();
        assertThat(created.out().strip()).isNotEmpty().doesNotContain(" ");
        assertThat(ok(via, "relationship", "read", "document:" + via.id("in-") + "%")
                        .out()
                        .lines())
                .containsExactlyInAnyOrder(
                        a + "#viewer@user:ann",
                        b + "#viewer@user:bob[on_weekday:{\"day\":\"monday\"}]",
                        c + "#temp@user:cy[expiration:2099-01-01T00:00:00Z]");

        // no arguments and standard input not a terminal: standard input, as with --stdin
        KithCli.Run touched = withStdin(a + "#owner@user:ann\n", via, "relationship", "touch");
        assertThat(touched.status()).as(touched.err()).isZero();
        assertThat(kith(via, "permission", "check", a, "edit", "user:ann", "--consistency-full")
                        .status())
                .isZero();

        KithCli.Run bad = withStdin(a + "#viewer@user:dan\n" + a + " viewer\n", via, "relationship", "create");
        assertThat(bad.status()).isEqualTo(1);
        assertThat(bad.err())
                .startsWith("<stdin>:2:1: error: relationship: has no '@'")
                .contains("\n" + a + " viewer\n^");
        assertThat(kith(via, "permission", "check", a, "view", "user:dan", "--consistency-full")
                        .status())
                .as("nothing of a batch with a line that does not parse is sent")
                .isEqualTo(2);

        KithCli.Run refused = withStdin(
                a + "#viewer@user:eve\n" + b + "#viewer@user:eve\n  " + c + "#nope@user:eve\n",
                via,
                "relationship",
                "create",
                "--batch-size",
                "2");
        assertThat(refused.status()).isEqualTo(1);
        assertThat(refused.err())
                .startsWith("<stdin>:3:3: error: ")
                .contains("relationship.relation: 'nope' is not a relation or permission")
                .contains("\n  " + c + "#nope@user:eve\n  ^");
        assertThat(kith(via, "permission", "check", b, "view", "user:eve", "--consistency-full")
                        .status())
                .as("the batch before the refused one is written")
                .isZero();

        KithCli.Run deleted = withStdin(
                a + "#viewer@user:ann\n" + b + "#viewer@user:eve\n", via, "relationship", "delete", "--stdin");
        assertThat(deleted.status()).as(deleted.err()).isZero();
        assertThat(kith(via, "permission", "check", b, "view", "user:eve", "--consistency-full")
                        .status())
                .isEqualTo(2);
        assertThat(ok(via, "relationship", "read", a, "viewer").out()).doesNotContain("user:ann");

        KithCli.Run both =
                withStdin(a + "#viewer@user:ann\n", via, "relationship", "create", "--stdin", a, "viewer", "user:ann");
        assertThat(both.status()).isEqualTo(1);
        assertThat(both.err()).contains("--stdin").contains("not both");
        KithCli.Run empty = withStdin("// nothing\n", via, "relationship", "create");
        assertThat(empty.status()).isEqualTo(1);
        assertThat(empty.err()).contains("no relationships on standard input");
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void schemaWriteErrorsArePlacedInTheFile(Via via) throws Exception {
        Path broken = KithCli.file(
                tmp,
                "broken-" + via.name() + ".zed",
                "definition user {}\n\ndefinition doc {\n    relation owner: nobody\n}\n");
        KithCli.Run run = kith(via, "schema", "write", broken.toString());
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err())
                .startsWith(broken + ":4:21: error: ")
                .contains("nobody")
                .contains("\n    relation owner: nobody\n                    ^\n")
                .contains(broken + ": 1 error; the server's schema is unchanged")
                .doesNotContain("\tat ");
        assertThat(ok(via, "schema", "read").out()).doesNotContain("nobody");

        KithCli.Run fromStdin =
                withStdin("definition doc {\n  relation owner: nobody\n}\n", via, "schema", "write", "-");
        assertThat(fromStdin.status()).isEqualTo(1);
        assertThat(fromStdin.err()).startsWith("<stdin>:2:19: error: ");
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void watchShowsSchemaWrites(Via via) throws Exception {
        String from = ok(via, "relationship", "create", "document:" + via.id("ws1"), "viewer", "user:wes")
                .out()
                .strip();
        String schema = ok(via, "schema", "read").out();
        Path more = KithCli.file(
                tmp,
                "watched.zed",
                schema + "\ndefinition watched_" + via.name().toLowerCase(java.util.Locale.ROOT) + " {}\n");
        ok(via, "schema", "write", more.toString());
        ok(via, "relationship", "create", "document:" + via.id("ws2"), "viewer", "user:wes");

        KithCli.Run watch = ok(via, "watch", "--revision", from, "--max-changes", "2");
        List<String> lines = watch.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).matches("SCHEMA updated \\(at .+\\)");
        assertThat(lines.get(1)).matches("(CREATE|TOUCH) document:" + via.id("ws2") + "#viewer@user:wes \\(at .+\\)");

        KithCli.Run json = ok(via, "watch", "--revision", from, "--max-changes", "1", "--json");
        JsonNode change = JSON.readTree(json.out());
        assertThat(change.path("schemaUpdated").asBoolean()).isTrue();
        assertThat(change.path("changesThrough").path("token").asText()).isNotEmpty();

        KithCli.Run relationshipsOnly =
                ok(via, "watch", "--revision", from, "--max-changes", "1", "--no-schema-updates");
        assertThat(relationshipsOnly.out().lines().toList())
                .singleElement()
                .asString()
                .contains("document:" + via.id("ws2"));
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void aCallThatIsNotAnsweredInTimeExits4(Via via) throws Exception {
        // A server that takes the connection and never says a word.
        try (java.net.ServerSocket silent =
                new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) held.add(silent.accept());
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            String endpoint = via == Via.GRPC
                    ? "127.0.0.1:" + silent.getLocalPort()
                    : "http://127.0.0.1:" + silent.getLocalPort();
            long start = System.nanoTime();
            KithCli.Run run = KithCli.run(
                    "permission",
                    "check",
                    "document:x",
                    "view",
                    "user:y",
                    "--endpoint",
                    endpoint,
                    "--insecure",
                    "--request-timeout",
                    "300ms");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(run.status()).as(run.err()).isEqualTo(Main.UNAVAILABLE);
            assertThat(run.err())
                    .startsWith("kith: DEADLINE_EXCEEDED: no answer from " + endpoint)
                    .contains("within the request timeout (PT0.3S)")
                    .doesNotContain("\tat ");
            assertThat(millis).as("it gave up at the timeout, not later").isLessThan(10_000);
            silent.close();
            acceptor.join(5_000);
            for (java.net.Socket s : held) s.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void watchPrintsChangesFromAToken(Via via) throws Exception {
        String first = ok(via, "relationship", "create", "document:" + via.id("w1"), "viewer", "user:wes")
                .out()
                .strip();
        ok(via, "relationship", "create", "document:" + via.id("w2"), "viewer", "user:wes");
        ok(via, "relationship", "create", "group:" + via.id("w3"), "member", "user:wes");
        ok(via, "relationship", "delete", "document:" + via.id("w2"), "viewer", "user:wes");

        KithCli.Run watch = ok(via, "watch", "--revision", first, "--object-types", "document", "--max-changes", "2");
        List<String> lines = watch.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).matches("(CREATE|TOUCH) document:" + via.id("w2") + "#viewer@user:wes \\(at .+\\)");
        assertThat(lines.get(1)).matches("DELETE document:" + via.id("w2") + "#viewer@user:wes \\(at .+\\)");

        KithCli.Run json =
                ok(via, "watch", "--revision", first, "--object-types", "document", "--max-changes", "1", "--json");
        JsonNode change = JSON.readTree(json.out());
        assertThat(change.path("updates").get(0).path("operation").asText())
                .isIn("OPERATION_CREATE", "OPERATION_TOUCH");
        assertThat(change.path("changesThrough").path("token").asText()).isNotEmpty();
    }
}
