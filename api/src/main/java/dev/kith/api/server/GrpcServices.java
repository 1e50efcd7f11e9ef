package dev.kith.api.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;
import dev.kith.engine.Relationship;
import dev.kith.engine.Requests;
import dev.kith.engine.Results;
import dev.kith.proto.v1.BulkCheckPermissionRequest;
import dev.kith.proto.v1.BulkCheckPermissionResponse;
import dev.kith.proto.v1.BulkExportRelationshipsRequest;
import dev.kith.proto.v1.BulkExportRelationshipsResponse;
import dev.kith.proto.v1.BulkImportRelationshipsRequest;
import dev.kith.proto.v1.BulkImportRelationshipsResponse;
import dev.kith.proto.v1.CheckBulkPermissionsPair;
import dev.kith.proto.v1.CheckBulkPermissionsRequest;
import dev.kith.proto.v1.CheckBulkPermissionsResponse;
import dev.kith.proto.v1.CheckPermissionRequest;
import dev.kith.proto.v1.CheckPermissionResponse;
import dev.kith.proto.v1.ComputablePermissionsRequest;
import dev.kith.proto.v1.ComputablePermissionsResponse;
import dev.kith.proto.v1.DeleteRelationshipsRequest;
import dev.kith.proto.v1.DeleteRelationshipsResponse;
import dev.kith.proto.v1.DependentRelationsRequest;
import dev.kith.proto.v1.DependentRelationsResponse;
import dev.kith.proto.v1.DiffSchemaRequest;
import dev.kith.proto.v1.DiffSchemaResponse;
import dev.kith.proto.v1.ExpandPermissionTreeRequest;
import dev.kith.proto.v1.ExpandPermissionTreeResponse;
import dev.kith.proto.v1.ExperimentalComputablePermissionsRequest;
import dev.kith.proto.v1.ExperimentalComputablePermissionsResponse;
import dev.kith.proto.v1.ExperimentalDependentRelationsRequest;
import dev.kith.proto.v1.ExperimentalDependentRelationsResponse;
import dev.kith.proto.v1.ExperimentalDiffSchemaRequest;
import dev.kith.proto.v1.ExperimentalDiffSchemaResponse;
import dev.kith.proto.v1.ExperimentalReflectSchemaRequest;
import dev.kith.proto.v1.ExperimentalReflectSchemaResponse;
import dev.kith.proto.v1.ExperimentalServiceGrpc;
import dev.kith.proto.v1.ExportBulkRelationshipsRequest;
import dev.kith.proto.v1.ExportBulkRelationshipsResponse;
import dev.kith.proto.v1.ImportBulkRelationshipsRequest;
import dev.kith.proto.v1.ImportBulkRelationshipsResponse;
import dev.kith.proto.v1.LookupResourcesRequest;
import dev.kith.proto.v1.LookupResourcesResponse;
import dev.kith.proto.v1.LookupSubjectsRequest;
import dev.kith.proto.v1.LookupSubjectsResponse;
import dev.kith.proto.v1.PermissionsServiceGrpc;
import dev.kith.proto.v1.ReadRelationshipsRequest;
import dev.kith.proto.v1.ReadRelationshipsResponse;
import dev.kith.proto.v1.ReadSchemaRequest;
import dev.kith.proto.v1.ReadSchemaResponse;
import dev.kith.proto.v1.ReflectSchemaRequest;
import dev.kith.proto.v1.ReflectSchemaResponse;
import dev.kith.proto.v1.SchemaServiceGrpc;
import dev.kith.proto.v1.WatchRequest;
import dev.kith.proto.v1.WatchResponse;
import dev.kith.proto.v1.WatchServiceGrpc;
import dev.kith.proto.v1.WriteRelationshipsRequest;
import dev.kith.proto.v1.WriteRelationshipsResponse;
import dev.kith.proto.v1.WriteSchemaRequest;
import dev.kith.proto.v1.WriteSchemaResponse;
import dev.kith.proto.v1.ZedToken;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The gRPC services of {@code authzed.api.v1}: each method hands its request to the HTTP endpoint's handler
 * through {@link GrpcCalls}, so both transports bind, limit, audit and answer alike. SchemaService's reflect,
 * diff, computable-permissions and dependent-relations methods go to {@link ReflectionHandlers}. ExperimentalService
 * serves what SpiceDB promoted to the stable services through the same handlers; its relationship counters answer
 * UNIMPLEMENTED (kith keeps no registered counters).
 */
final class GrpcServices {
    private static final String PERMISSIONS = "/authzed.api.v1.PermissionsService/";
    private static final String SCHEMA = "/authzed.api.v1.SchemaService/";
    private static final String EXPERIMENTAL = "/authzed.api.v1.ExperimentalService/";

    private GrpcServices() {}

    static final class Permissions extends PermissionsServiceGrpc.PermissionsServiceImplBase {
        private final GrpcCalls calls;
        private final UnaryHandlers unary;
        private final StreamHandlers streams;

        /** Where a check that cannot be answered on the network thread goes (see {@link #checkPermission}). */
        private final java.util.concurrent.Executor workers;

        Permissions(
                GrpcCalls calls, UnaryHandlers unary, StreamHandlers streams, java.util.concurrent.Executor workers) {
            this.calls = calls;
            this.unary = unary;
            this.streams = streams;
            this.workers = workers;
        }

        @Override
        public void writeRelationships(
                WriteRelationshipsRequest request, StreamObserver<WriteRelationshipsResponse> out) {
            calls.unary(
                    PERMISSIONS + "WriteRelationships",
                    "writeRelationships",
                    FieldPaths.WRITE,
                    true,
                    request,
                    out,
                    unary::writeRelationships,
                    n -> calls.message(n, WriteRelationshipsResponse.newBuilder()));
        }

        @Override
        public void deleteRelationships(
                DeleteRelationshipsRequest request, StreamObserver<DeleteRelationshipsResponse> out) {
            calls.unary(
                    PERMISSIONS + "DeleteRelationships",
                    "deleteRelationships",
                    FieldPaths.filter("relationshipFilter"),
                    true,
                    request,
                    out,
                    unary::deleteRelationships,
                    n -> calls.message(n, DeleteRelationshipsResponse.newBuilder()));
        }

        @Override
        public void checkPermission(CheckPermissionRequest request, StreamObserver<CheckPermissionResponse> out) {
            // CheckPermission is called on the network thread (GrpcServer#executorOf): a plain check that need not
            // wait is answered there, from memory, as the HTTP route answers it on its event loop; any other
            // (a caveat context, contextual relationships, a consistency that may wait) goes to a worker
            Requests.Check plain = unary.plainCheck(request);
            if (plain != null && !calls.x.mayWait(plain.consistency())) {
                check(request, plain, true, out);
                return;
            }
            workers.execute(io.grpc.Context.current().wrap(() -> check(request, plain, false, out)));
        }

        /** {@code inline}: a plain check on the network thread, bounded by the depth limit (no deadline bound). */
        private void check(
                CheckPermissionRequest request,
                Requests.Check plain,
                boolean inline,
                StreamObserver<CheckPermissionResponse> out) {
            if (plain != null) {
                // the hot path: bound and answered without the JSON round trip, as the HTTP route's plain check
                calls.unary(
                        PERMISSIONS + "CheckPermission",
                        "check",
                        FieldPaths.CHECK,
                        false,
                        inline,
                        entry -> unary.check(plain, entry),
                        result -> checkAnswer(result),
                        out);
                return;
            }
            calls.unary(
                    PERMISSIONS + "CheckPermission",
                    "check",
                    FieldPaths.CHECK,
                    false,
                    request,
                    out,
                    unary::check,
                    n -> calls.message(withoutTrace(n), CheckPermissionResponse.newBuilder()));
        }

        @Override
        public void checkBulkPermissions(
                CheckBulkPermissionsRequest request, StreamObserver<CheckBulkPermissionsResponse> out) {
            Map<Integer, ErrorMapper.ApiError> errors = new HashMap<>();
            calls.unary(
                    PERMISSIONS + "CheckBulkPermissions",
                    "checkBulk",
                    FieldPaths.CHECK,
                    false,
                    request,
                    out,
                    (body, entry) -> unary.checkBulk(body, entry, (error, i) -> errors.put(i, error)),
                    n -> bulkAnswer(calls, n, errors));
        }

        /**
         * A plain check's answer: the usual one (no missing context) built directly, any other through its JSON
         * shape, so both read exactly as the general path's.
         */
        private CheckPermissionResponse checkAnswer(Results.Check result) {
            if (!result.missingContext().isEmpty() || result.trace() != null) {
                return calls.message(withoutTrace(calls.x.out.check(result)), CheckPermissionResponse.newBuilder());
            }
            CheckAnswers answers = lastAnswers;
            if (answers == null || answers.revision != result.checkedAt().value()) {
                answers = new CheckAnswers(
                        result.checkedAt().value(),
                        ZedToken.newBuilder()
                                .setToken(calls.x.out.tokenText(result.checkedAt()))
                                .build());
                lastAnswers = answers;
            }
            return answers.of(result.permissionship());
        }

        /**
         * The three plain check answers at the revision checks were last answered at: immutable messages, built once
         * per revision instead of once per call (checks at one revision are the common case between writes). Racing
         * threads may each build a set; any of them is correct.
         */
        private volatile CheckAnswers lastAnswers;

        private static final class CheckAnswers {
            final long revision;
            private final CheckPermissionResponse has;
            private final CheckPermissionResponse no;
            private final CheckPermissionResponse conditional;

            CheckAnswers(long revision, ZedToken token) {
                this.revision = revision;
                this.has = answer(token, CheckPermissionResponse.Permissionship.PERMISSIONSHIP_HAS_PERMISSION);
                this.no = answer(token, CheckPermissionResponse.Permissionship.PERMISSIONSHIP_NO_PERMISSION);
                this.conditional =
                        answer(token, CheckPermissionResponse.Permissionship.PERMISSIONSHIP_CONDITIONAL_PERMISSION);
            }

            private static CheckPermissionResponse answer(
                    ZedToken token, CheckPermissionResponse.Permissionship permissionship) {
                return CheckPermissionResponse.newBuilder()
                        .setCheckedAt(token)
                        .setPermissionship(permissionship)
                        .build();
            }

            CheckPermissionResponse of(dev.kith.engine.Permissionship permissionship) {
                return switch (permissionship) {
                    case HAS_PERMISSION -> has;
                    case NO_PERMISSION -> no;
                    case CONDITIONAL_PERMISSION -> conditional;
                };
            }
        }

        @Override
        public void expandPermissionTree(
                ExpandPermissionTreeRequest request, StreamObserver<ExpandPermissionTreeResponse> out) {
            calls.unary(
                    PERMISSIONS + "ExpandPermissionTree",
                    "expand",
                    FieldPaths.CHECK,
                    false,
                    request,
                    out,
                    unary::expand,
                    n -> calls.message(n, ExpandPermissionTreeResponse.newBuilder()));
        }

        @Override
        public void readRelationships(ReadRelationshipsRequest request, StreamObserver<ReadRelationshipsResponse> out) {
            stream(
                    "ReadRelationships",
                    "readRelationships",
                    FieldPaths.filter("relationshipFilter"),
                    request,
                    out,
                    streams::readRelationships,
                    ReadRelationshipsResponse::newBuilder);
        }

        @Override
        public void lookupResources(LookupResourcesRequest request, StreamObserver<LookupResourcesResponse> out) {
            stream(
                    "LookupResources",
                    "lookupResources",
                    FieldPaths.LOOKUP_RESOURCES,
                    request,
                    out,
                    streams::lookupResources,
                    LookupResourcesResponse::newBuilder);
        }

        @Override
        public void lookupSubjects(LookupSubjectsRequest request, StreamObserver<LookupSubjectsResponse> out) {
            stream(
                    "LookupSubjects",
                    "lookupSubjects",
                    FieldPaths.LOOKUP_SUBJECTS,
                    request,
                    out,
                    streams::lookupSubjects,
                    LookupSubjectsResponse::newBuilder);
        }

        @Override
        public void exportBulkRelationships(
                ExportBulkRelationshipsRequest request, StreamObserver<ExportBulkRelationshipsResponse> out) {
            stream(
                    "ExportBulkRelationships",
                    "exportRelationships",
                    FieldPaths.filter("optionalRelationshipFilter"),
                    request,
                    out,
                    streams::exportBulk,
                    ExportBulkRelationshipsResponse::newBuilder);
        }

        /**
         * Takes the stream of import messages, binding each relationship as it arrives (an error names its
         * message and index, {@code relationships[i]} of message {@code n}), up to the import body limit in
         * serialized bytes; when the stream ends, imports them all in one transaction as the HTTP import does.
         */
        @Override
        public StreamObserver<ImportBulkRelationshipsRequest> importBulkRelationships(
                StreamObserver<ImportBulkRelationshipsResponse> out) {
            return new ImportStream<>(
                    calls,
                    streams,
                    PERMISSIONS + "ImportBulkRelationships",
                    out,
                    n -> ImportBulkRelationshipsResponse.newBuilder()
                            .setNumLoaded(n)
                            .build());
        }

        private <R extends Message> void stream(
                String method,
                String kind,
                FieldPaths paths,
                Message request,
                StreamObserver<R> out,
                BiFunction<JsonNode, AuditLog.Entry, StreamHandlers.Spec<?>> parse,
                Supplier<Message.Builder> builder) {
            streamSpec(calls, PERMISSIONS + method, kind, paths, request, out, parse, builder);
        }
    }

    static final class Watch extends WatchServiceGrpc.WatchServiceImplBase {
        private final GrpcCalls calls;
        private final StreamHandlers streams;

        Watch(GrpcCalls calls, StreamHandlers streams) {
            this.calls = calls;
            this.streams = streams;
        }

        /** The HTTP watch's binding, limit on open watches and audit lines; see {@link GrpcWatch}. */
        @Override
        public void watch(WatchRequest request, StreamObserver<WatchResponse> out) {
            GrpcCalls.Call call;
            try {
                call = calls.begin("/authzed.api.v1.WatchService/Watch", "watch", null, false);
            } catch (RuntimeException e) {
                out.onError(GrpcErrors.of(e, null));
                return;
            }
            StreamHandlers.Watch watch;
            try {
                watch = streams.watch(calls.json(request));
                streams.reserveWatch();
            } catch (RuntimeException e) {
                out.onError(call.finish(e));
                return;
            }
            StreamHandlers.note(call.entry, watch);
            calls.watchOpened(call);
            try {
                GrpcWatch.open(calls, call, (ServerCallStreamObserver<WatchResponse>) out, watch);
            } catch (RuntimeException e) {
                calls.x.metrics.watchesOpen().decrementAndGet();
                out.onError(call.finish(e));
            }
        }
    }

    static final class Schema extends SchemaServiceGrpc.SchemaServiceImplBase {
        private final GrpcCalls calls;
        private final UnaryHandlers unary;

        private final ReflectionHandlers reflection;

        Schema(GrpcCalls calls, UnaryHandlers unary, ReflectionHandlers reflection) {
            this.calls = calls;
            this.unary = unary;
            this.reflection = reflection;
        }

        @Override
        public void readSchema(ReadSchemaRequest request, StreamObserver<ReadSchemaResponse> out) {
            calls.unary(
                    SCHEMA + "ReadSchema",
                    "readSchema",
                    null,
                    false,
                    request,
                    out,
                    unary::readSchema,
                    n -> calls.message(n, ReadSchemaResponse.newBuilder()));
        }

        @Override
        public void writeSchema(WriteSchemaRequest request, StreamObserver<WriteSchemaResponse> out) {
            calls.unary(
                    SCHEMA + "WriteSchema",
                    "writeSchema",
                    null,
                    true,
                    request,
                    out,
                    unary::writeSchema,
                    n -> calls.message(n, WriteSchemaResponse.newBuilder()));
        }

        @Override
        public void reflectSchema(ReflectSchemaRequest request, StreamObserver<ReflectSchemaResponse> out) {
            calls.unary(
                    SCHEMA + "ReflectSchema",
                    "reflectSchema",
                    null,
                    false,
                    request,
                    out,
                    reflection::reflectSchema,
                    n -> calls.message(n, ReflectSchemaResponse.newBuilder()));
        }

        @Override
        public void diffSchema(DiffSchemaRequest request, StreamObserver<DiffSchemaResponse> out) {
            calls.unary(
                    SCHEMA + "DiffSchema",
                    "diffSchema",
                    null,
                    false,
                    request,
                    out,
                    reflection::diffSchema,
                    n -> calls.message(n, DiffSchemaResponse.newBuilder()));
        }

        @Override
        public void computablePermissions(
                ComputablePermissionsRequest request, StreamObserver<ComputablePermissionsResponse> out) {
            calls.unary(
                    SCHEMA + "ComputablePermissions",
                    "computablePermissions",
                    ReflectionHandlers.COMPUTABLE_PATHS,
                    false,
                    request,
                    out,
                    reflection::computablePermissions,
                    n -> calls.message(n, ComputablePermissionsResponse.newBuilder()));
        }

        @Override
        public void dependentRelations(
                DependentRelationsRequest request, StreamObserver<DependentRelationsResponse> out) {
            calls.unary(
                    SCHEMA + "DependentRelations",
                    "dependentRelations",
                    ReflectionHandlers.DEPENDENT_PATHS,
                    false,
                    request,
                    out,
                    reflection::dependentRelations,
                    n -> calls.message(n, DependentRelationsResponse.newBuilder()));
        }
    }

    /**
     * ExperimentalService: the methods SpiceDB promoted to the stable services, answered by the same handlers
     * (bulk check, bulk import and export, reflect, diff, computable permissions, dependent relations; their
     * messages are the stable ones under other names, with the same JSON). The relationship counters are not
     * served (kith keeps no registered counters): they answer UNIMPLEMENTED.
     */
    static final class Experimental extends ExperimentalServiceGrpc.ExperimentalServiceImplBase {
        private final GrpcCalls calls;
        private final UnaryHandlers unary;
        private final StreamHandlers streams;
        private final ReflectionHandlers reflection;

        Experimental(GrpcCalls calls, UnaryHandlers unary, StreamHandlers streams, ReflectionHandlers reflection) {
            this.calls = calls;
            this.unary = unary;
            this.streams = streams;
            this.reflection = reflection;
        }

        @Override
        public void bulkCheckPermission(
                BulkCheckPermissionRequest request, StreamObserver<BulkCheckPermissionResponse> out) {
            Map<Integer, ErrorMapper.ApiError> errors = new HashMap<>();
            calls.unary(
                    EXPERIMENTAL + "BulkCheckPermission",
                    "checkBulk",
                    FieldPaths.CHECK,
                    false,
                    request,
                    out,
                    (body, entry) -> unary.checkBulk(body, entry, (error, i) -> errors.put(i, error)),
                    n -> {
                        // the stable answer has the same fields under the same numbers (and a trace this has not)
                        try {
                            return BulkCheckPermissionResponse.parseFrom(
                                    bulkAnswer(calls, n, errors).toByteString());
                        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                            throw new dev.kith.engine.BugException("a bulk check answer that does not convert", e);
                        }
                    });
        }

        @Override
        public StreamObserver<BulkImportRelationshipsRequest> bulkImportRelationships(
                StreamObserver<BulkImportRelationshipsResponse> out) {
            return new ImportStream<>(
                    calls,
                    streams,
                    EXPERIMENTAL + "BulkImportRelationships",
                    out,
                    n -> BulkImportRelationshipsResponse.newBuilder()
                            .setNumLoaded(n)
                            .build());
        }

        @Override
        public void bulkExportRelationships(
                BulkExportRelationshipsRequest request, StreamObserver<BulkExportRelationshipsResponse> out) {
            streamSpec(
                    calls,
                    EXPERIMENTAL + "BulkExportRelationships",
                    "exportRelationships",
                    FieldPaths.filter("optionalRelationshipFilter"),
                    request,
                    out,
                    streams::exportBulk,
                    BulkExportRelationshipsResponse::newBuilder);
        }

        @Override
        public void experimentalReflectSchema(
                ExperimentalReflectSchemaRequest request, StreamObserver<ExperimentalReflectSchemaResponse> out) {
            calls.unary(
                    EXPERIMENTAL + "ExperimentalReflectSchema",
                    "reflectSchema",
                    null,
                    false,
                    request,
                    out,
                    reflection::reflectSchema,
                    n -> calls.message(n, ExperimentalReflectSchemaResponse.newBuilder()));
        }

        @Override
        public void experimentalDiffSchema(
                ExperimentalDiffSchemaRequest request, StreamObserver<ExperimentalDiffSchemaResponse> out) {
            calls.unary(
                    EXPERIMENTAL + "ExperimentalDiffSchema",
                    "diffSchema",
                    null,
                    false,
                    request,
                    out,
                    reflection::diffSchema,
                    n -> calls.message(n, ExperimentalDiffSchemaResponse.newBuilder()));
        }

        @Override
        public void experimentalComputablePermissions(
                ExperimentalComputablePermissionsRequest request,
                StreamObserver<ExperimentalComputablePermissionsResponse> out) {
            calls.unary(
                    EXPERIMENTAL + "ExperimentalComputablePermissions",
                    "computablePermissions",
                    ReflectionHandlers.COMPUTABLE_PATHS,
                    false,
                    request,
                    out,
                    reflection::computablePermissions,
                    n -> calls.message(n, ExperimentalComputablePermissionsResponse.newBuilder()));
        }

        @Override
        public void experimentalDependentRelations(
                ExperimentalDependentRelationsRequest request,
                StreamObserver<ExperimentalDependentRelationsResponse> out) {
            calls.unary(
                    EXPERIMENTAL + "ExperimentalDependentRelations",
                    "dependentRelations",
                    ReflectionHandlers.DEPENDENT_PATHS,
                    false,
                    request,
                    out,
                    reflection::dependentRelations,
                    n -> calls.message(n, ExperimentalDependentRelationsResponse.newBuilder()));
        }
    }

    /** The bulk answer, each failed item's error as a {@code google.rpc.Status} with its ErrorInfo. */
    private static CheckBulkPermissionsResponse bulkAnswer(
            GrpcCalls calls, ObjectNode n, Map<Integer, ErrorMapper.ApiError> errors) {
        ArrayNode pairs = (ArrayNode) n.path("pairs");
        for (JsonNode pair : pairs) {
            ((ObjectNode) pair).remove("error");
            if (pair.has("item")) withoutTrace((ObjectNode) pair.get("item"));
        }
        CheckBulkPermissionsResponse.Builder b =
                calls.<CheckBulkPermissionsResponse>message(n, CheckBulkPermissionsResponse.newBuilder()).toBuilder();
        for (var e : errors.entrySet()) {
            CheckBulkPermissionsPair pair = b.getPairs(e.getKey());
            b.setPairs(
                    e.getKey(),
                    pair.toBuilder().setError(GrpcErrors.status(e.getValue())).build());
        }
        return b.build();
    }

    /**
     * A client stream of import messages (PermissionsService's and ExperimentalService's import): binds each
     * relationship as it arrives and imports them all in one transaction when the stream ends.
     */
    private static final class ImportStream<Q extends Message, R extends Message> implements StreamObserver<Q> {
        private final GrpcCalls calls;
        private final StreamHandlers streams;
        private final String method;
        private final java.util.function.LongFunction<R> answer;
        private final StreamObserver<R> out;
        private final List<Relationship> relationships = new ArrayList<>();
        private final List<String> paths = new ArrayList<>();
        private long bytes;
        private int messages;
        private boolean failed;
        private String at = "request";

        ImportStream(
                GrpcCalls calls,
                StreamHandlers streams,
                String method,
                StreamObserver<R> out,
                java.util.function.LongFunction<R> answer) {
            this.calls = calls;
            this.streams = streams;
            this.method = method;
            this.out = out;
            this.answer = answer;
        }

        @Override
        public void onNext(Q message) {
            if (failed) return;
            int n = messages++;
            try {
                bytes += message.getSerializedSize();
                if (bytes > calls.x.limits.maxImportBodyBytes()) {
                    throw HttpFailure.tooLarge(
                            "relationships",
                            "the import is larger than " + calls.x.limits.maxImportBodyBytes() + " bytes");
                }
                JsonNode body = calls.json(message);
                JsonNode rels = body.path("relationships");
                for (int i = 0; i < rels.size(); i++) {
                    String path = "message " + (n + 1) + ".relationships[" + i + "]";
                    relationships.add(calls.x.in.relationship(rels.get(i), path));
                    paths.add(path);
                }
            } catch (RuntimeException e) {
                failed = true;
                out.onError(GrpcErrors.of(e, null));
            }
        }

        @Override
        public void onError(Throwable t) {
            failed = true;
        }

        @Override
        public void onCompleted() {
            if (failed) return;
            long[] loaded = {0};
            Iterator<Relationship> it = new Iterator<>() {
                private int next;

                @Override
                public boolean hasNext() {
                    return next < relationships.size();
                }

                @Override
                public Relationship next() {
                    if (!hasNext()) throw new NoSuchElementException();
                    loaded[0]++;
                    at = paths.get(next);
                    return relationships.get(next++);
                }
            };
            calls.unary(
                    method,
                    "importRelationships",
                    FieldPaths.relationship(() -> at),
                    true,
                    ImportBulkRelationshipsRequest.getDefaultInstance(),
                    out,
                    (body, entry) -> streams.importBulk(it, loaded, entry),
                    n -> answer.apply(loaded[0]));
        }
    }

    /** {@code n} without kith's own trace, which has no field in SpiceDB's messages (HTTP only). */
    private static ObjectNode withoutTrace(ObjectNode n) {
        n.remove("kithDebugTrace");
        return n;
    }

    private static <R extends Message> void streamSpec(
            GrpcCalls calls,
            String method,
            String kind,
            FieldPaths paths,
            Message request,
            StreamObserver<R> out,
            BiFunction<JsonNode, AuditLog.Entry, StreamHandlers.Spec<?>> parse,
            Supplier<Message.Builder> builder) {
        GrpcCalls.Call call;
        try {
            call = calls.begin(method, kind, paths, false);
        } catch (RuntimeException e) {
            out.onError(GrpcErrors.of(e, paths));
            return;
        }
        StreamHandlers.Spec<?> spec;
        try {
            spec = parse.apply(calls.json(request), call.entry);
        } catch (RuntimeException e) {
            out.onError(call.finish(e));
            return;
        }
        GrpcStream.start(calls, call, (ServerCallStreamObserver<R>) out, spec, n -> calls.message(n, builder.get()));
    }
}
