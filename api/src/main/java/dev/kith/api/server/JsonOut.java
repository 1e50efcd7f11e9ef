package dev.kith.api.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kith.engine.Caveat;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Permissionship;
import dev.kith.engine.Relationship;
import dev.kith.engine.Results;
import dev.kith.engine.Revision;
import dev.kith.engine.SubjectRef;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/** Renders engine answers in SpiceDB's v1 JSON shapes, with consistency tokens for revisions. */
final class JsonOut {
    private static final byte[] CHECK_HEAD = "{\"checkedAt\":{\"token\":\"".getBytes(StandardCharsets.US_ASCII);
    /** What follows the token, by {@link Permissionship#ordinal()}. */
    private static final byte[][] CHECK_TAILS = java.util.Arrays.stream(Permissionship.values())
            .map(p -> ("\"},\"permissionship\":\"" + permissionship(p)
                            + "\",\"partialCaveatInfo\":null,\"debugTrace\":null,\"optionalExpiresAt\":null}")
                    .getBytes(StandardCharsets.US_ASCII))
            .toArray(byte[][]::new);

    private final ObjectMapper mapper;
    private final Tokens tokens;

    JsonOut(ObjectMapper mapper, Tokens tokens) {
        this.mapper = mapper;
        this.tokens = tokens;
    }

    ObjectNode object() {
        return mapper.createObjectNode();
    }

    /** The consistency token of {@code revision}, as text. */
    String tokenText(Revision revision) {
        return tokens.encode(revision);
    }

    ObjectNode token(Revision revision) {
        ObjectNode n = object();
        n.put("token", tokens.encode(revision));
        return n;
    }

    /**
     * The binding of a listing's cursors (see {@link Tokens#signCursor}): {@code parts} as one JSON array, maps with
     * their keys sorted, so that the same request always has the same binding whatever order its JSON came in.
     */
    String binding(Object... parts) {
        try {
            return mapper.writer()
                    .with(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                    .writeValueAsString(java.util.Arrays.asList(parts));
        } catch (JsonProcessingException e) {
            throw new dev.kith.engine.BugException("a cursor binding that does not serialise", e);
        }
    }

    /**
     * Replaces the engine's cursor in {@code n}'s {@code afterResultCursor} (when it has one) with the signed cursor
     * bound to {@code binding}.
     */
    ObjectNode signCursor(ObjectNode n, String binding) {
        if (n.get("afterResultCursor") instanceof ObjectNode c && c.hasNonNull("token")) {
            c.put("token", tokens.signCursor(binding, c.get("token").asText()));
        }
        return n;
    }

    static ObjectNode cursor(ObjectNode parent, String field, String cursor) {
        if (cursor != null) parent.putObject(field).put("token", cursor);
        return parent;
    }

    /** SpiceDB's {@code ObjectReference}. */
    ObjectNode objectRef(ObjectRef o) {
        ObjectNode n = object();
        n.put("objectType", o.type());
        n.put("objectId", o.id());
        return n;
    }

    /** SpiceDB's {@code SubjectReference}: the object, and its relation when it is a subject set. */
    ObjectNode subjectRef(SubjectRef s) {
        ObjectNode n = object();
        ObjectNode o = n.putObject("object");
        o.put("objectType", s.type());
        o.put("objectId", s.id());
        if (s.relation() != null) n.put("optionalRelation", s.relation());
        return n;
    }

    /** SpiceDB's {@code Relationship}, with {@code optionalCaveat} and {@code optionalExpiresAt} when present. */
    ObjectNode relationship(Relationship r) {
        ObjectNode n = object();
        n.set("resource", objectRef(r.resource()));
        n.put("relation", r.relation());
        n.set("subject", subjectRef(r.subject()));
        return condition(n, r.caveat(), r.expiresAt());
    }

    static String permissionship(Permissionship p) {
        return switch (p) {
            case HAS_PERMISSION -> "PERMISSIONSHIP_HAS_PERMISSION";
            case NO_PERMISSION -> "PERMISSIONSHIP_NO_PERMISSION";
            case CONDITIONAL_PERMISSION -> "PERMISSIONSHIP_CONDITIONAL_PERMISSION";
        };
    }

    static String lookupPermissionship(Permissionship p) {
        return switch (p) {
            case HAS_PERMISSION -> "LOOKUP_PERMISSIONSHIP_HAS_PERMISSION";
            case CONDITIONAL_PERMISSION -> "LOOKUP_PERMISSIONSHIP_CONDITIONAL_PERMISSION";
            case NO_PERMISSION -> "LOOKUP_PERMISSIONSHIP_UNSPECIFIED";
        };
    }

    void missingContext(ObjectNode n, List<String> missing) {
        if (missing.isEmpty()) return;
        ArrayNode a = n.putObject("partialCaveatInfo").putArray("missingRequiredContext");
        missing.forEach(a::add);
    }

    /**
     * The body of a check's answer (also one item of a bulk check, without the token) for {@code subject}: with a
     * trace, SpiceDB's {@code DebugInformation} as {@code debugTrace} and kith's own trace as {@code kithDebugTrace}.
     */
    ObjectNode checkItem(Results.Check c, SubjectRef subject) {
        ObjectNode n = object();
        n.put("permissionship", permissionship(c.permissionship()));
        missingContext(n, c.missingContext());
        if (c.trace() != null) {
            n.set("debugTrace", debugInformation(c.trace(), subject));
            n.set("kithDebugTrace", trace(c.trace()));
        }
        return n;
    }

    /**
     * A check's answer as JSON bytes, the same as serialising {@link #check}: the usual answer (no missing
     * context, no trace) is written straight from the token's ASCII without building a tree.
     */
    byte[] checkJson(Results.Check c, SubjectRef subject) throws JsonProcessingException {
        if (!c.missingContext().isEmpty() || c.trace() != null) {
            return mapper.writeValueAsBytes(GatewayFields.complete(
                    check(c, subject), dev.kith.proto.v1.CheckPermissionResponse.getDescriptor()));
        }
        String token = tokens.encode(c.checkedAt());
        byte[] tail = CHECK_TAILS[c.permissionship().ordinal()];
        byte[] out = new byte[CHECK_HEAD.length + token.length() + tail.length];
        System.arraycopy(CHECK_HEAD, 0, out, 0, CHECK_HEAD.length);
        // a token is URL-safe base64: ASCII, nothing to escape
        for (int i = 0; i < token.length(); i++) out[CHECK_HEAD.length + i] = (byte) token.charAt(i);
        System.arraycopy(tail, 0, out, CHECK_HEAD.length + token.length(), tail.length);
        return out;
    }

    /** A check's answer; a trace in it names no subject (use {@link #check(Results.Check, SubjectRef)}). */
    ObjectNode check(Results.Check c) {
        return check(c, null);
    }

    ObjectNode check(Results.Check c, SubjectRef subject) {
        ObjectNode n = object();
        n.set("checkedAt", token(c.checkedAt()));
        n.setAll(checkItem(c, subject));
        return n;
    }

    /** kith's own trace: every evaluated step with a description, including the subject reached, cuts and caveats. */
    ObjectNode trace(Results.CheckTrace t) {
        ObjectNode n = object();
        n.put("description", t.description());
        n.put("result", permissionship(t.result()));
        if (!t.missingContext().isEmpty()) {
            ArrayNode a = n.putArray("missingContext");
            t.missingContext().forEach(a::add);
        }
        if (!t.children().isEmpty()) {
            ArrayNode a = n.putArray("children");
            t.children().forEach(c -> a.add(trace(c)));
        }
        return n;
    }

    /**
     * SpiceDB's {@code DebugInformation}: the trace's tree of relation and permission checks of {@code subject}
     * (null: named in none), and the schema.
     */
    ObjectNode debugInformation(Results.CheckTrace root, SubjectRef subject) {
        ObjectNode n = object();
        ObjectNode check = debugTrace(root, subject == null ? null : subjectRef(subject));
        if (!check.has("caveatEvaluationInfo")) {
            // as SpiceDB's, the checked permission shows the caveat evaluation that decided it, however deep
            Results.CheckTrace deciding = decidingCaveat(root, root.result());
            if (deciding != null) check.set("caveatEvaluationInfo", caveatEvaluation(deciding));
        }
        n.set("check", check);
        if (root.schemaUsed() != null) n.put("schemaUsed", root.schemaUsed());
        return n;
    }

    /** The first caveat step beneath {@code t} whose outcome is {@code result}, depth first; null when none. */
    private static Results.CheckTrace decidingCaveat(Results.CheckTrace t, Permissionship result) {
        for (Results.CheckTrace c : t.children()) {
            if (c.step() != null && c.step().kind() == Results.CheckTrace.Step.Kind.CAVEAT && c.result() == result) {
                return c;
            }
            Results.CheckTrace below = decidingCaveat(c, result);
            if (below != null) return below;
        }
        return null;
    }

    /**
     * SpiceDB's {@code CheckDebugTrace} of one relation or permission on an object: its result, the caveat it
     * evaluated itself, and as sub-problems the relations and permissions it was computed from (kith's steps that
     * are not relations or permissions, a subject reached or a cut, appear only in kith's own trace).
     */
    private ObjectNode debugTrace(Results.CheckTrace t, ObjectNode subject) {
        ObjectNode n = object();
        Results.CheckTrace.Step step = t.step();
        if (step != null && step.resource() != null) {
            n.set("resource", objectRef(step.resource()));
            n.put("permission", step.relation());
            n.put(
                    "permissionType",
                    switch (step.kind()) {
                        case PERMISSION -> "PERMISSION_TYPE_PERMISSION";
                        case RELATION -> "PERMISSION_TYPE_RELATION";
                        default -> "PERMISSION_TYPE_UNSPECIFIED";
                    });
        }
        if (subject != null) n.set("subject", subject.deepCopy());
        n.put("result", permissionship(t.result()));
        Results.CheckTrace caveat = null;
        ArrayNode traces = object().arrayNode();
        for (Results.CheckTrace c : t.children()) {
            Results.CheckTrace.Step.Kind kind =
                    c.step() == null ? null : c.step().kind();
            if (kind == Results.CheckTrace.Step.Kind.CAVEAT) {
                if (caveat == null || (caveat.result() != t.result() && c.result() == t.result())) caveat = c;
            } else if (kind == Results.CheckTrace.Step.Kind.RELATION
                    || kind == Results.CheckTrace.Step.Kind.PERMISSION) {
                traces.add(debugTrace(c, subject));
            }
        }
        if (caveat != null) n.set("caveatEvaluationInfo", caveatEvaluation(caveat));
        n.put("duration", duration(t.durationNanos()));
        if (traces.isEmpty()) {
            n.put("wasCachedResult", false);
        } else {
            n.putObject("subProblems").set("traces", traces);
        }
        return n;
    }

    /** SpiceDB's {@code CaveatEvalInfo} of a caveat step. */
    private ObjectNode caveatEvaluation(Results.CheckTrace c) {
        ObjectNode n = object();
        if (c.step().expression() != null) n.put("expression", c.step().expression());
        n.put(
                "result",
                switch (c.result()) {
                    case HAS_PERMISSION -> "RESULT_TRUE";
                    case NO_PERMISSION -> "RESULT_FALSE";
                    case CONDITIONAL_PERMISSION -> "RESULT_MISSING_SOME_CONTEXT";
                });
        n.set("context", mapper.valueToTree(c.step().context()));
        missingContext(n, c.missingContext());
        n.put("caveatName", c.step().caveat());
        return n;
    }

    /** A duration in the proto3 JSON form, seconds with nanosecond digits: {@code 0.000284997s}. */
    static String duration(long nanos) {
        long n = Math.max(0, nanos);
        return String.format(java.util.Locale.ROOT, "%d.%09ds", n / 1_000_000_000L, n % 1_000_000_000L);
    }

    ObjectNode expandNode(Results.ExpandNode node) {
        ObjectNode n = object();
        if (node.object() != null) n.set("expandedObject", objectRef(node.object()));
        if (node.relation() != null) n.put("expandedRelation", node.relation());
        switch (node.kind()) {
            case LEAF -> {
                ArrayNode subjects = n.putObject("leaf").putArray("subjects");
                for (Results.ExpandedSubject s : node.subjects()) {
                    subjects.add(condition(subjectRef(s.subject()), s.caveat(), s.expiresAt()));
                }
            }
            case UNION, INTERSECTION, EXCLUSION -> {
                ObjectNode i = n.putObject("intermediate");
                i.put("operation", "OPERATION_" + node.kind().name());
                ArrayNode children = i.putArray("children");
                node.children().forEach(c -> children.add(expandNode(c)));
            }
        }
        return condition(n, node.caveat(), node.expiresAt());
    }

    /** Adds {@code optionalCaveat} and {@code optionalExpiresAt} to {@code n} when present. */
    private ObjectNode condition(ObjectNode n, Caveat caveat, Instant expiresAt) {
        if (caveat != null) {
            ObjectNode c = n.putObject("optionalCaveat");
            c.put("caveatName", caveat.name());
            c.set("context", mapper.valueToTree(caveat.context()));
        }
        if (expiresAt != null) n.put("optionalExpiresAt", expiresAt.toString());
        return n;
    }

    ObjectNode lookupResource(Results.LookupResource r, Revision at) {
        ObjectNode n = object();
        n.set("lookedUpAt", token(at));
        n.put("resourceObjectId", r.resourceId());
        n.put("permissionship", lookupPermissionship(r.permissionship()));
        missingContext(n, r.missingContext());
        return cursor(n, "afterResultCursor", r.afterCursor());
    }

    /**
     * One subject of a lookup: {@code subject} and {@code excludedSubjects}, and, as SpiceDB still fills them for
     * older clients, the deprecated top-level {@code subjectObjectId}, {@code excludedSubjectIds}, {@code
     * permissionship} and {@code partialCaveatInfo} copied from them.
     */
    ObjectNode lookupSubject(Results.LookupSubject s, Revision at) {
        ObjectNode n = object();
        n.set("lookedUpAt", token(at));
        n.put("subjectObjectId", s.subjectId());
        ArrayNode excludedIds = n.putArray("excludedSubjectIds");
        s.excludedSubjects().forEach(e -> excludedIds.add(e.subjectId()));
        n.put("permissionship", lookupPermissionship(s.permissionship()));
        missingContext(n, s.missingContext());
        n.set("subject", resolvedSubject(s));
        ArrayNode excluded = n.putArray("excludedSubjects");
        s.excludedSubjects().forEach(e -> excluded.add(resolvedSubject(e)));
        return cursor(n, "afterResultCursor", s.afterCursor());
    }

    private ObjectNode resolvedSubject(Results.LookupSubject s) {
        ObjectNode n = object();
        n.put("subjectObjectId", s.subjectId());
        n.put("permissionship", lookupPermissionship(s.permissionship()));
        missingContext(n, s.missingContext());
        return n;
    }

    ObjectNode readRelationship(Results.ReadRelationship r, Revision at) {
        ObjectNode n = object();
        n.set("readAt", token(at));
        n.set("relationship", relationship(r.relationship()));
        return cursor(n, "afterResultCursor", r.afterCursor());
    }

    ObjectNode changeSet(Results.ChangeSet changes) {
        ObjectNode n = object();
        ArrayNode updates = n.putArray("updates");
        for (Results.RelationshipChange c : changes.changes()) {
            ObjectNode u = updates.addObject();
            u.put("operation", "OPERATION_" + c.operation().name());
            u.set("relationship", relationship(c.relationship()));
        }
        return watchTail(n, changes);
    }

    /** A watch's message for a schema write: {@code schemaUpdated}, no updates. */
    ObjectNode schemaUpdated(Results.ChangeSet changes) {
        ObjectNode n = object();
        n.put("schemaUpdated", true);
        return watchTail(n, changes);
    }

    /** A watch's checkpoint: every change through {@code revision} has been sent; no updates. */
    ObjectNode checkpoint(Revision revision) {
        ObjectNode n = object();
        n.put("isCheckpoint", true);
        n.set("changesThrough", token(revision));
        return n;
    }

    /** {@code changesThrough}, and the write's metadata as SpiceDB sends it (also as the one full revision's). */
    private ObjectNode watchTail(ObjectNode n, Results.ChangeSet changes) {
        n.set("changesThrough", token(changes.revision()));
        if (!changes.metadata().isEmpty()) {
            n.set("optionalTransactionMetadata", mapper.valueToTree(changes.metadata()));
            n.putArray("fullRevisionMetadata").add(mapper.valueToTree(changes.metadata()));
        }
        return n;
    }

    /** One line of a stream: {@code {"result": ...}} or {@code {"error": ...}}, with its newline. */
    byte[] line(String key, ObjectNode value) {
        ObjectNode n = object();
        n.set(key, value);
        try {
            byte[] json = mapper.writeValueAsBytes(n);
            byte[] out = java.util.Arrays.copyOf(json, json.length + 1);
            out[json.length] = '\n';
            return out;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new dev.kith.engine.BugException("a JSON tree that does not serialise", e);
        }
    }
}
