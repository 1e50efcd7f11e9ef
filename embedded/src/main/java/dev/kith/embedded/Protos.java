package dev.kith.embedded;

import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import dev.kith.engine.Caveat;
import dev.kith.engine.Consistency;
import dev.kith.engine.KithException;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Permissionship;
import dev.kith.engine.Precondition;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipFilter;
import dev.kith.engine.RelationshipUpdate;
import dev.kith.engine.Revision;
import dev.kith.engine.SubjectFilter;
import dev.kith.engine.SubjectRef;
import dev.kith.proto.v1.CheckPermissionResponse;
import dev.kith.proto.v1.ContextualizedCaveat;
import dev.kith.proto.v1.Cursor;
import dev.kith.proto.v1.LookupPermissionship;
import dev.kith.proto.v1.ObjectReference;
import dev.kith.proto.v1.PartialCaveatInfo;
import dev.kith.proto.v1.SubjectReference;
import dev.kith.proto.v1.ZedToken;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SpiceDB's v1 messages to the engine's records and back. Empty strings are absent fields (proto3 has no null);
 * consistency tokens are {@code e.<revision>}, readable by the engine that wrote them; cursors are the engine's own.
 */
final class Protos {
    /** What every token of an embedded engine starts with, so a server's token is told apart. */
    private static final String TOKEN_PREFIX = "e.";

    private Protos() {}

    // ---- tokens and consistency

    static ZedToken token(Revision r) {
        return ZedToken.newBuilder().setToken(TOKEN_PREFIX + r.value()).build();
    }

    static Revision revision(ZedToken token, String field) {
        String t = token.getToken();
        if (t.startsWith(TOKEN_PREFIX)) {
            try {
                return new Revision(Long.parseLong(t.substring(TOKEN_PREFIX.length())));
            } catch (IllegalArgumentException e) {
                // falls through to the error below
            }
        }
        throw new KithException.InvalidArgument(
                field, "`" + t + "` is not a consistency token of this embedded kith (they look like e.12)");
    }

    static Consistency consistency(dev.kith.proto.v1.Consistency c) {
        return switch (c.getRequirementCase()) {
            case MINIMIZE_LATENCY, REQUIREMENT_NOT_SET -> Consistency.MINIMIZE_LATENCY;
            case FULLY_CONSISTENT -> Consistency.FULLY_CONSISTENT;
            case AT_LEAST_AS_FRESH ->
                new Consistency.AtLeastAsFresh(revision(c.getAtLeastAsFresh(), "consistency.atLeastAsFresh"));
            case AT_EXACT_SNAPSHOT ->
                new Consistency.AtExactSnapshot(revision(c.getAtExactSnapshot(), "consistency.atExactSnapshot"));
        };
    }

    static String cursor(Cursor c) {
        return c.getToken().isEmpty() ? null : c.getToken();
    }

    static Cursor cursor(String engineCursor) {
        return Cursor.newBuilder().setToken(engineCursor).build();
    }

    // ---- references and relationships

    static ObjectRef object(ObjectReference o) {
        return new ObjectRef(o.getObjectType(), o.getObjectId());
    }

    static ObjectReference object(ObjectRef o) {
        return ObjectReference.newBuilder()
                .setObjectType(o.type())
                .setObjectId(o.id())
                .build();
    }

    static SubjectRef subject(SubjectReference s) {
        String relation = s.getOptionalRelation();
        return new SubjectRef(
                s.getObject().getObjectType(), s.getObject().getObjectId(), relation.isEmpty() ? null : relation);
    }

    static SubjectReference subject(SubjectRef s) {
        SubjectReference.Builder b = SubjectReference.newBuilder().setObject(object(s.object()));
        if (s.relation() != null) b.setOptionalRelation(s.relation());
        return b.build();
    }

    static Relationship relationship(dev.kith.proto.v1.Relationship r) {
        Caveat caveat = r.hasOptionalCaveat()
                ? new Caveat(
                        r.getOptionalCaveat().getCaveatName(),
                        map(r.getOptionalCaveat().getContext()))
                : null;
        Instant expires = r.hasOptionalExpiresAt() ? instant(r.getOptionalExpiresAt()) : null;
        return new Relationship(object(r.getResource()), r.getRelation(), subject(r.getSubject()), caveat, expires);
    }

    @SuppressWarnings("JavaInstantGetSecondsGetNano") // a Timestamp is the epoch second and the nanos within it
    static dev.kith.proto.v1.Relationship relationship(Relationship r) {
        dev.kith.proto.v1.Relationship.Builder b = dev.kith.proto.v1.Relationship.newBuilder()
                .setResource(object(r.resource()))
                .setRelation(r.relation())
                .setSubject(subject(r.subject()));
        if (r.caveat() != null) {
            b.setOptionalCaveat(ContextualizedCaveat.newBuilder()
                    .setCaveatName(r.caveat().name())
                    .setContext(struct(r.caveat().context())));
        }
        if (r.expiresAt() != null) {
            b.setOptionalExpiresAt(Timestamp.newBuilder()
                    .setSeconds(r.expiresAt().getEpochSecond())
                    .setNanos(r.expiresAt().getNano()));
        }
        return b.build();
    }

    static List<Relationship> relationships(List<dev.kith.proto.v1.Relationship> rs) {
        List<Relationship> out = new ArrayList<>(rs.size());
        for (dev.kith.proto.v1.Relationship r : rs) out.add(relationship(r));
        return out;
    }

    static RelationshipUpdate update(dev.kith.proto.v1.RelationshipUpdate u, int index) {
        RelationshipUpdate.Operation op = switch (u.getOperation()) {
            case OPERATION_CREATE -> RelationshipUpdate.Operation.CREATE;
            case OPERATION_TOUCH -> RelationshipUpdate.Operation.TOUCH;
            case OPERATION_DELETE -> RelationshipUpdate.Operation.DELETE;
            case OPERATION_UNSPECIFIED, UNRECOGNIZED ->
                throw new KithException.InvalidArgument(
                        "updates[" + index + "].operation",
                        "an update needs an operation: OPERATION_CREATE, OPERATION_TOUCH or OPERATION_DELETE");
        };
        return new RelationshipUpdate(op, relationship(u.getRelationship()));
    }

    static dev.kith.proto.v1.RelationshipUpdate.Operation operation(
            dev.kith.engine.Results.RelationshipChange.Operation op) {
        return switch (op) {
            case TOUCH -> dev.kith.proto.v1.RelationshipUpdate.Operation.OPERATION_TOUCH;
            case DELETE -> dev.kith.proto.v1.RelationshipUpdate.Operation.OPERATION_DELETE;
        };
    }

    static RelationshipFilter filter(dev.kith.proto.v1.RelationshipFilter f) {
        SubjectFilter sf = null;
        if (f.hasOptionalSubjectFilter()) {
            dev.kith.proto.v1.SubjectFilter s = f.getOptionalSubjectFilter();
            sf = new SubjectFilter(
                    s.getSubjectType(),
                    empty(s.getOptionalSubjectId()),
                    s.hasOptionalRelation() ? s.getOptionalRelation().getRelation() : null);
        }
        if (!f.getOptionalResourceId().isEmpty()
                && !f.getOptionalResourceIdPrefix().isEmpty()) {
            throw new KithException.InvalidArgument(
                    "relationshipFilter", "a filter takes an exact resource id or a prefix, not both");
        }
        return new RelationshipFilter(
                empty(f.getResourceType()),
                empty(f.getOptionalResourceId()),
                empty(f.getOptionalResourceIdPrefix()),
                empty(f.getOptionalRelation()),
                sf);
    }

    static List<Precondition> preconditions(List<dev.kith.proto.v1.Precondition> ps) {
        List<Precondition> out = new ArrayList<>(ps.size());
        for (int i = 0; i < ps.size(); i++) {
            dev.kith.proto.v1.Precondition p = ps.get(i);
            Precondition.Kind kind = switch (p.getOperation()) {
                case OPERATION_MUST_MATCH -> Precondition.Kind.MUST_MATCH;
                case OPERATION_MUST_NOT_MATCH -> Precondition.Kind.MUST_NOT_MATCH;
                case OPERATION_UNSPECIFIED, UNRECOGNIZED ->
                    throw new KithException.InvalidArgument(
                            "optionalPreconditions[" + i + "].operation",
                            "a precondition needs an operation: OPERATION_MUST_MATCH or OPERATION_MUST_NOT_MATCH");
            };
            out.add(new Precondition(kind, filter(p.getFilter())));
        }
        return out;
    }

    private static String empty(String s) {
        return s.isEmpty() ? null : s;
    }

    // ---- answers

    static CheckPermissionResponse.Permissionship permissionship(Permissionship p) {
        return switch (p) {
            case HAS_PERMISSION -> CheckPermissionResponse.Permissionship.PERMISSIONSHIP_HAS_PERMISSION;
            case NO_PERMISSION -> CheckPermissionResponse.Permissionship.PERMISSIONSHIP_NO_PERMISSION;
            case CONDITIONAL_PERMISSION -> CheckPermissionResponse.Permissionship.PERMISSIONSHIP_CONDITIONAL_PERMISSION;
        };
    }

    static LookupPermissionship lookupPermissionship(Permissionship p) {
        return p == Permissionship.CONDITIONAL_PERMISSION
                ? LookupPermissionship.LOOKUP_PERMISSIONSHIP_CONDITIONAL_PERMISSION
                : LookupPermissionship.LOOKUP_PERMISSIONSHIP_HAS_PERMISSION;
    }

    static PartialCaveatInfo partial(List<String> missing) {
        return PartialCaveatInfo.newBuilder()
                .addAllMissingRequiredContext(missing)
                .build();
    }

    // ---- Struct and JSON-shaped Java values

    /** A Struct as the engine's JSON-shaped map (numbers are doubles, as in JSON read by the server). */
    static Map<String, Object> map(Struct s) {
        Map<String, Object> m = new LinkedHashMap<>();
        s.getFieldsMap().forEach((k, v) -> m.put(k, value(v)));
        return m;
    }

    private static Object value(Value v) {
        return switch (v.getKindCase()) {
            case NULL_VALUE, KIND_NOT_SET -> null;
            case NUMBER_VALUE -> v.getNumberValue();
            case STRING_VALUE -> v.getStringValue();
            case BOOL_VALUE -> v.getBoolValue();
            case STRUCT_VALUE -> map(v.getStructValue());
            case LIST_VALUE -> {
                List<Object> l = new ArrayList<>();
                for (Value e : v.getListValue().getValuesList()) l.add(value(e));
                yield l;
            }
        };
    }

    static Struct struct(Map<String, Object> m) {
        return dev.kith.client.Refs.context(m);
    }

    static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }
}
