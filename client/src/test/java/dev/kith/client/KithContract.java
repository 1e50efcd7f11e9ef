package dev.kith.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.kith.proto.v1.CheckBulkPermissionsPair;
import dev.kith.proto.v1.CheckBulkPermissionsRequest;
import dev.kith.proto.v1.CheckBulkPermissionsRequestItem;
import dev.kith.proto.v1.CheckPermissionRequest;
import dev.kith.proto.v1.CheckPermissionResponse;
import dev.kith.proto.v1.Consistency;
import dev.kith.proto.v1.DeleteRelationshipsRequest;
import dev.kith.proto.v1.DeleteRelationshipsResponse;
import dev.kith.proto.v1.DiffSchemaRequest;
import dev.kith.proto.v1.DiffSchemaResponse;
import dev.kith.proto.v1.ExpandPermissionTreeRequest;
import dev.kith.proto.v1.ExpandPermissionTreeResponse;
import dev.kith.proto.v1.ExportBulkRelationshipsRequest;
import dev.kith.proto.v1.ExportBulkRelationshipsResponse;
import dev.kith.proto.v1.LookupPermissionship;
import dev.kith.proto.v1.LookupResourcesRequest;
import dev.kith.proto.v1.LookupResourcesResponse;
import dev.kith.proto.v1.LookupSubjectsRequest;
import dev.kith.proto.v1.LookupSubjectsResponse;
import dev.kith.proto.v1.PermissionRelationshipTree;
import dev.kith.proto.v1.Precondition;
import dev.kith.proto.v1.ReadRelationshipsRequest;
import dev.kith.proto.v1.ReadRelationshipsResponse;
import dev.kith.proto.v1.ReadSchemaRequest;
import dev.kith.proto.v1.Relationship;
import dev.kith.proto.v1.RelationshipFilter;
import dev.kith.proto.v1.RelationshipUpdate;
import dev.kith.proto.v1.WatchRequest;
import dev.kith.proto.v1.WatchResponse;
import dev.kith.proto.v1.WriteRelationshipsRequest;
import dev.kith.proto.v1.ZedToken;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Kith} does, whether it talks to a server over gRPC or to an engine in process: each method of
 * the API with its answers and errors, the conveniences, consistency tokens and deadlines. A subclass opens a fresh,
 * empty kith per test.
 */
public abstract class KithContract {
    protected static final String SCHEMA = """
            caveat on_day(day string) {
                day == "monday"
            }

            definition user {}

            definition group {
                relation member: user | group#member
            }

            definition document {
                relation viewer: user | group#member | user with on_day
                relation banned: user
                permission view = viewer - banned
            }
            """;

    protected Kith kith;

    /** A client of a fresh kith with no schema, tokens off (a test turns them on where it wants them). */
    protected abstract Kith open();

    /** Ends what {@link #open} started (the client is closed already). */
    protected void stop() {}

    @BeforeEach
    void openKith() {
        kith = open();
        kith.writeSchema(SCHEMA);
    }

    @AfterEach
    void closeKith() {
        kith.close();
        stop();
    }

    private static Struct context(String key, String value) {
        return Struct.newBuilder()
                .putFields(key, Value.newBuilder().setStringValue(value).build())
                .build();
    }

    @Test
    void checkAnswersAllowedDeniedAndConditional() {
        kith.touch(
                "document:1#viewer@user:ann",
                "document:1#viewer@group:eng#member",
                "group:eng#member@user:bob",
                "document:1#banned@user:bob");
        // the caveat is written through the full message: the short text form carries none
        kith.write(List.of(RelationshipUpdate.newBuilder()
                .setOperation(RelationshipUpdate.Operation.OPERATION_TOUCH)
                .setRelationship(Refs.relationship("document:1#viewer@user:cat").toBuilder()
                        .setOptionalCaveat(dev.kith.proto.v1.ContextualizedCaveat.newBuilder()
                                .setCaveatName("on_day")))
                .build()));

        assertThat(kith.check("user:ann", "view", "document:1")).isEqualTo(CheckResult.ALLOWED);
        assertThat(kith.check("user:bob", "view", "document:1")).isEqualTo(CheckResult.DENIED);
        assertThat(kith.check("user:dan", "view", "document:1")).isEqualTo(CheckResult.DENIED);
        assertThat(kith.check("user:cat", "view", "document:1")).isEqualTo(CheckResult.CONDITIONAL);
        assertThat(kith.check("user:cat", "view", "document:1", context("day", "monday")))
                .isEqualTo(CheckResult.ALLOWED);
        assertThat(kith.check("user:cat", "view", "document:1", context("day", "friday")))
                .isEqualTo(CheckResult.DENIED);

        CheckPermissionResponse r = kith.checkPermission(CheckPermissionRequest.newBuilder()
                .setConsistency(Consistency.newBuilder().setFullyConsistent(true))
                .setResource(Refs.object("document:1"))
                .setPermission("view")
                .setSubject(Refs.subject("user:cat"))
                .build());
        assertThat(r.getPermissionship())
                .isEqualTo(CheckPermissionResponse.Permissionship.PERMISSIONSHIP_CONDITIONAL_PERMISSION);
        assertThat(r.getPartialCaveatInfo().getMissingRequiredContextList()).containsExactly("day");
        assertThat(r.getCheckedAt().getToken()).isNotEmpty();
    }

    @Test
    void withTracingACheckAnswersWithSpiceDbsDebugTrace() {
        kith.touch("document:1#viewer@group:eng#member", "group:eng#member@user:bob");
        kith.write(List.of(RelationshipUpdate.newBuilder()
                .setOperation(RelationshipUpdate.Operation.OPERATION_TOUCH)
                .setRelationship(Refs.relationship("document:1#viewer@user:cat").toBuilder()
                        .setOptionalCaveat(dev.kith.proto.v1.ContextualizedCaveat.newBuilder()
                                .setCaveatName("on_day")))
                .build()));

        CheckPermissionResponse bob = kith.checkPermission(CheckPermissionRequest.newBuilder()
                .setConsistency(Consistency.newBuilder().setFullyConsistent(true))
                .setResource(Refs.object("document:1"))
                .setPermission("view")
                .setSubject(Refs.subject("user:bob"))
                .setWithTracing(true)
                .build());
        dev.kith.proto.v1.CheckDebugTrace root = bob.getDebugTrace().getCheck();
        assertThat(root.getResource()).isEqualTo(Refs.object("document:1"));
        assertThat(root.getPermission()).isEqualTo("view");
        assertThat(root.getPermissionType())
                .isEqualTo(dev.kith.proto.v1.CheckDebugTrace.PermissionType.PERMISSION_TYPE_PERMISSION);
        assertThat(root.getSubject()).isEqualTo(Refs.subject("user:bob"));
        assertThat(root.getResult())
                .isEqualTo(dev.kith.proto.v1.CheckDebugTrace.Permissionship.PERMISSIONSHIP_HAS_PERMISSION);
        assertThat(root.getSubProblems().getTracesList())
                .extracting(dev.kith.proto.v1.CheckDebugTrace::getPermission)
                .contains("viewer");
        assertThat(bob.getDebugTrace().getSchemaUsed()).contains("definition document");

        CheckPermissionResponse cat = kith.checkPermission(CheckPermissionRequest.newBuilder()
                .setConsistency(Consistency.newBuilder().setFullyConsistent(true))
                .setResource(Refs.object("document:1"))
                .setPermission("view")
                .setSubject(Refs.subject("user:cat"))
                .setWithTracing(true)
                .build());
        dev.kith.proto.v1.CaveatEvalInfo caveat = cat.getDebugTrace().getCheck().getCaveatEvaluationInfo();
        assertThat(caveat.getCaveatName()).isEqualTo("on_day");
        assertThat(caveat.getResult()).isEqualTo(dev.kith.proto.v1.CaveatEvalInfo.Result.RESULT_MISSING_SOME_CONTEXT);
        assertThat(caveat.getPartialCaveatInfo().getMissingRequiredContextList())
                .containsExactly("day");

        CheckPermissionResponse plain = kith.checkPermission(CheckPermissionRequest.newBuilder()
                .setConsistency(Consistency.newBuilder().setFullyConsistent(true))
                .setResource(Refs.object("document:1"))
                .setPermission("view")
                .setSubject(Refs.subject("user:bob"))
                .build());
        assertThat(plain.hasDebugTrace()).isFalse();
    }

    @Test
    void unknownNamesAreFailedPreconditionsNamingThem() {
        assertThatThrownBy(() -> kith.check("user:ann", "view", "folder:1"))
                .isInstanceOfSatisfying(KithCallException.class, e -> {
                    assertThat(e.code()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                    assertThat(e.reason()).isEqualTo("ERROR_REASON_UNKNOWN_DEFINITION");
                    assertThat(e.errorCode()).isEqualTo("UNKNOWN_NAME");
                    assertThat(e.getMessage()).startsWith("CheckPermission: ").contains("folder");
                });
        assertThatThrownBy(() -> kith.check("user:ann", "edit", "document:1"))
                .isInstanceOfSatisfying(KithCallException.class, e -> {
                    assertThat(e.code()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                    assertThat(e.reason()).isEqualTo("ERROR_REASON_UNKNOWN_RELATION_OR_PERMISSION");
                });
    }

    @Test
    void bulkCheckAnswersEachItemOnItsOwn() {
        kith.touch("document:1#viewer@user:ann");
        CheckBulkPermissionsRequest.Builder q = CheckBulkPermissionsRequest.newBuilder();
        for (String[] item : new String[][] {{"user:ann", "view"}, {"user:bob", "view"}, {"user:ann", "nope"}}) {
            q.addItems(CheckBulkPermissionsRequestItem.newBuilder()
                    .setResource(Refs.object("document:1"))
                    .setPermission(item[1])
                    .setSubject(Refs.subject(item[0])));
        }
        List<CheckBulkPermissionsPair> pairs =
                kith.checkBulkPermissions(q.build()).getPairsList();
        assertThat(pairs).hasSize(3);
        assertThat(pairs.get(0).getItem().getPermissionship())
                .isEqualTo(CheckPermissionResponse.Permissionship.PERMISSIONSHIP_HAS_PERMISSION);
        assertThat(pairs.get(1).getItem().getPermissionship())
                .isEqualTo(CheckPermissionResponse.Permissionship.PERMISSIONSHIP_NO_PERMISSION);
        assertThat(pairs.get(2).hasError()).isTrue();
        assertThat(pairs.get(2).getError().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION.value());
        assertThat(pairs.get(2).getRequest().getPermission()).isEqualTo("nope");
    }

    @Test
    void expandGivesTheExclusionTree() {
        kith.touch("document:1#viewer@user:ann", "document:1#banned@user:bob");
        ExpandPermissionTreeResponse r = kith.expandPermissionTree(ExpandPermissionTreeRequest.newBuilder()
                .setResource(Refs.object("document:1"))
                .setPermission("view")
                .build());
        PermissionRelationshipTree root = r.getTreeRoot();
        assertThat(root.getIntermediate().getOperation())
                .isEqualTo(dev.kith.proto.v1.AlgebraicSubjectSet.Operation.OPERATION_EXCLUSION);
        assertThat(root.getIntermediate().getChildrenCount()).isEqualTo(2);
        assertThat(r.getExpandedAt().getToken()).isNotEmpty();
    }

    @Test
    void lookupResourcesStreamsEveryResourceOnceAndHonoursTheLimit() {
        kith.importBulkRelationships(IntStream.range(0, 1_500)
                .mapToObj(i -> Refs.relationship("document:d" + i + "#viewer@user:ann"))
                .toList());
        assertThat(new HashSet<>(kith.lookupResourceIds("user:ann", "view", "document")))
                .hasSize(1_500);
        try (Stream<LookupResourcesResponse> s = kith.lookupResources(LookupResourcesRequest.newBuilder()
                .setResourceObjectType("document")
                .setPermission("view")
                .setSubject(Refs.subject("user:ann"))
                .setOptionalLimit(10)
                .build())) {
            List<LookupResourcesResponse> page = s.toList();
            assertThat(page).hasSize(10);
            assertThat(page.getLast().getAfterResultCursor().getToken()).isNotEmpty();
            // the next page from the cursor continues after it
            try (Stream<LookupResourcesResponse> rest = kith.lookupResources(LookupResourcesRequest.newBuilder()
                    .setResourceObjectType("document")
                    .setPermission("view")
                    .setSubject(Refs.subject("user:ann"))
                    .setOptionalCursor(page.getLast().getAfterResultCursor())
                    .build())) {
                Set<String> ids = new HashSet<>();
                page.forEach(p -> ids.add(p.getResourceObjectId()));
                rest.forEach(p -> assertThat(ids.add(p.getResourceObjectId()))
                        .as("delivered twice: %s", p.getResourceObjectId())
                        .isTrue());
                assertThat(ids).hasSize(1_500);
            }
        }
    }

    @Test
    void lookupSubjectsListsTheSubjectsWithTheirPermissionship() {
        kith.touch("document:1#viewer@user:ann", "document:1#viewer@group:eng#member", "group:eng#member@user:bob");
        try (Stream<LookupSubjectsResponse> s = kith.lookupSubjects(LookupSubjectsRequest.newBuilder()
                .setResource(Refs.object("document:1"))
                .setPermission("view")
                .setSubjectObjectType("user")
                .build())) {
            List<LookupSubjectsResponse> all = s.toList();
            assertThat(all)
                    .extracting(r -> r.getSubject().getSubjectObjectId())
                    .containsExactlyInAnyOrder("ann", "bob");
            assertThat(all)
                    .allSatisfy(r -> assertThat(r.getSubject().getPermissionship())
                            .isEqualTo(LookupPermissionship.LOOKUP_PERMISSIONSHIP_HAS_PERMISSION));
        }
    }

    @Test
    void readRelationshipsFiltersAndPagesByCursor() {
        kith.touch("document:1#viewer@user:ann", "document:1#viewer@user:bob", "document:2#viewer@user:ann");
        ReadRelationshipsRequest q = ReadRelationshipsRequest.newBuilder()
                .setRelationshipFilter(RelationshipFilter.newBuilder()
                        .setResourceType("document")
                        .setOptionalResourceId("1"))
                .build();
        try (Stream<ReadRelationshipsResponse> s = kith.readRelationships(q)) {
            assertThat(s.map(r -> Refs.text(r.getRelationship())))
                    .containsExactlyInAnyOrder("document:1#viewer@user:ann", "document:1#viewer@user:bob");
        }
        try (Stream<ReadRelationshipsResponse> s =
                kith.readRelationships(q.toBuilder().setOptionalLimit(1).build())) {
            assertThat(s.toList()).hasSize(1);
        }
    }

    @Test
    void writePreconditionsAndCreatesFailWithSpiceDbsReasons() {
        kith.touch("document:1#viewer@user:ann");
        WriteRelationshipsRequest guarded = WriteRelationshipsRequest.newBuilder()
                .addUpdates(Refs.touch("document:1#viewer@user:bob"))
                .addOptionalPreconditions(Precondition.newBuilder()
                        .setOperation(Precondition.Operation.OPERATION_MUST_MATCH)
                        .setFilter(RelationshipFilter.newBuilder()
                                .setResourceType("document")
                                .setOptionalResourceId("1")
                                .setOptionalRelation("banned")))
                .build();
        assertThatThrownBy(() -> kith.writeRelationships(guarded))
                .isInstanceOfSatisfying(KithCallException.class, e -> {
                    assertThat(e.code()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                    assertThat(e.reason()).isEqualTo("ERROR_REASON_WRITE_OR_DELETE_PRECONDITION_FAILURE");
                });
        assertThat(kith.check("user:bob", "view", "document:1")).isEqualTo(CheckResult.DENIED);
        assertThatThrownBy(() -> kith.write(List.of(Refs.create("document:1#viewer@user:ann"))))
                .isInstanceOfSatisfying(KithCallException.class, e -> {
                    assertThat(e.code()).isEqualTo(Status.Code.ALREADY_EXISTS);
                    assertThat(e.reason()).isEqualTo("ERROR_REASON_ATTEMPT_TO_RECREATE_RELATIONSHIP");
                });
    }

    @Test
    void deleteByFilterCountsWhatItDeleted() {
        kith.touch("document:1#viewer@user:ann", "document:1#viewer@user:bob", "document:2#viewer@user:ann");
        DeleteRelationshipsResponse r = kith.deleteRelationships(DeleteRelationshipsRequest.newBuilder()
                .setRelationshipFilter(RelationshipFilter.newBuilder()
                        .setResourceType("document")
                        .setOptionalResourceId("1"))
                .build());
        assertThat(r.getRelationshipsDeletedCount()).isEqualTo(2);
        assertThat(r.getDeletionProgress())
                .isEqualTo(DeleteRelationshipsResponse.DeletionProgress.DELETION_PROGRESS_COMPLETE);
        assertThat(kith.check("user:ann", "view", "document:1")).isEqualTo(CheckResult.DENIED);
        assertThat(kith.check("user:ann", "view", "document:2")).isEqualTo(CheckResult.ALLOWED);
    }

    @Test
    void importThenExportGivesBackEveryRelationshipOnce() {
        List<Relationship> rels = IntStream.range(0, 2_500)
                .mapToObj(i -> Refs.relationship("document:d" + i + "#viewer@user:u" + (i % 7)))
                .toList();
        assertThat(kith.importBulkRelationships(rels).getNumLoaded()).isEqualTo(2_500);
        Set<String> seen = new HashSet<>();
        int batches = 0;
        try (Stream<ExportBulkRelationshipsResponse> s =
                kith.exportBulkRelationships(ExportBulkRelationshipsRequest.newBuilder()
                        .setOptionalLimit(1_000)
                        .build())) {
            for (ExportBulkRelationshipsResponse b : (Iterable<ExportBulkRelationshipsResponse>) s::iterator) {
                batches++;
                b.getRelationshipsList()
                        .forEach(r -> assertThat(seen.add(Refs.text(r)))
                                .as("exported twice: %s", Refs.text(r))
                                .isTrue());
            }
        }
        assertThat(seen).hasSize(2_500);
        assertThat(batches).isGreaterThanOrEqualTo(3);
        assertThatThrownBy(() -> kith.importBulkRelationships(List.of(rels.getFirst())))
                .isInstanceOfSatisfying(
                        KithCallException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.ALREADY_EXISTS));
    }

    @Test
    void watchDeliversEachChangeAfterItsStartOnceInOrder() {
        ZedToken start = kith.touch("document:w#viewer@user:before");
        try (Stream<WatchResponse> s = kith.watch(
                WatchRequest.newBuilder().setOptionalStartCursor(start).build())) {
            kith.touch("document:w#viewer@user:a");
            kith.touch("document:w#viewer@user:b");
            kith.delete("document:w#viewer@user:a");
            Iterator<WatchResponse> it = s.iterator();
            List<String> changes = new ArrayList<>();
            while (changes.size() < 3) {
                WatchResponse r = it.next();
                assertThat(r.getChangesThrough().getToken()).isNotEmpty();
                r.getUpdatesList()
                        .forEach(u -> changes.add(u.getOperation().name().replace("OPERATION_", "") + " "
                                + Refs.text(u.getRelationship())));
            }
            assertThat(changes)
                    .containsExactly(
                            "TOUCH document:w#viewer@user:a",
                            "TOUCH document:w#viewer@user:b",
                            "DELETE document:w#viewer@user:a");
        }
    }

    @Test
    void schemaReadWriteAndDiff() {
        assertThat(kith.readSchema(ReadSchemaRequest.getDefaultInstance()).getSchemaText())
                .contains("definition document");
        DiffSchemaResponse diff = kith.diffSchema(DiffSchemaRequest.newBuilder()
                .setComparisonSchema(SCHEMA.replace("definition user {}", "definition user {}\n\ndefinition team {}"))
                .build());
        assertThat(diff.getDiffsList()).hasSize(1);
        assertThat(diff.getDiffs(0).getDefinitionAdded().getName()).isEqualTo("team");
        assertThatThrownBy(() -> kith.writeSchema("definition {"))
                .isInstanceOfSatisfying(KithCallException.class, e -> {
                    assertThat(e.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.reason()).isEqualTo("ERROR_REASON_SCHEMA_PARSE_ERROR");
                });
    }

    /**
     * The new-enemy problem: Bob is removed from a document, then asks for it. With tokens every check after the
     * removal reads at least as fresh as it, so none answers from before it.
     */
    @Test
    void consistencyTokensMakeReadsSeeTheClientsOwnWrites() {
        ConsistencyTokens tokens = new ConsistencyTokens();
        Kith k = kith.withConsistencyTokens(tokens);
        for (int i = 0; i < 20; i++) {
            String doc = "document:plan" + i;
            k.touch(doc + "#viewer@user:bob");
            assertThat(k.check("user:bob", "view", doc)).isEqualTo(CheckResult.ALLOWED);
            ZedToken revoked = k.delete(doc + "#viewer@user:bob");
            assertThat(tokens.token(doc)).isEqualTo(revoked);
            assertThat(tokens.consistencyFor(doc).getAtLeastAsFresh()).isEqualTo(revoked);
            assertThat(k.check("user:bob", "view", doc))
                    .as("bob's access to %s after its revocation", doc)
                    .isEqualTo(CheckResult.DENIED);
            assertThat(k.lookupResourceIds("user:bob", "view", "document")).doesNotContain("plan" + i);
        }
        assertThat(tokens.token("document")).isNotNull();
        assertThat(tokens.consistencyFor("document:never").hasMinimizeLatency()).isTrue();
    }

    @Test
    void aPassedDeadlineEndsTheCallWithDeadlineExceeded() {
        kith.importBulkRelationships(IntStream.range(0, 3_000)
                .mapToObj(i -> Refs.relationship("document:d" + i + "#viewer@user:ann"))
                .toList());
        Kith hurried = kith.withDeadline(Duration.ofNanos(1));
        assertThatThrownBy(() -> {
                    try (Stream<LookupResourcesResponse> s = hurried.lookupResources(LookupResourcesRequest.newBuilder()
                            .setResourceObjectType("document")
                            .setPermission("view")
                            .setSubject(Refs.subject("user:ann"))
                            .build())) {
                        s.forEach(r -> {});
                    }
                })
                .isInstanceOfSatisfying(
                        KithCallException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        // the deadline was this view's only: the client itself still answers
        assertThat(kith.check("user:ann", "view", "document:d1")).isEqualTo(CheckResult.ALLOWED);
    }

    @Test
    void asyncCallsCompleteWithTheAnswerOrTheError() throws Exception {
        kith.touch("document:1#viewer@user:ann");
        assertThat(kith.async()
                        .check("user:ann", "view", "document:1")
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS))
                .isEqualTo(CheckResult.ALLOWED);
        assertThat(kith.async()
                        .check("user:ann", "view", "folder:1")
                        .toCompletableFuture()
                        .handle((v, e) -> e.getCause())
                        .get(10, TimeUnit.SECONDS))
                .isInstanceOf(KithCallException.class);
    }
}
