package dev.kith.client;

import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.kith.proto.v1.ObjectReference;
import dev.kith.proto.v1.Relationship;
import dev.kith.proto.v1.RelationshipUpdate;
import dev.kith.proto.v1.SubjectReference;
import java.util.List;
import java.util.Map;

/**
 * SpiceDB's reference messages from their short text forms, as {@code zed} writes them: an object {@code
 * document:readme}, a subject {@code user:ann} or {@code group:eng#member}, a relationship {@code
 * document:readme#viewer@group:eng#member}. Bad text is an {@link IllegalArgumentException} that quotes it and
 * says which part is missing.
 */
public final class Refs {
    private Refs() {}

    /**
     * The object {@code type:id}.
     *
     * @param text the object, as {@code document:readme}
     * @throws IllegalArgumentException if the text is not {@code type:id}
     * @return the object {@code type:id}
     */
    public static ObjectReference object(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("`" + text + "` is not an object: expected type:id, as document:readme");
        }
        return object(text.substring(0, colon), text.substring(colon + 1));
    }

    /**
     * The object with this type and id.
     *
     * @param type the object type
     * @param id the object id
     * @return the object with this type and id
     */
    public static ObjectReference object(String type, String id) {
        return ObjectReference.newBuilder().setObjectType(type).setObjectId(id).build();
    }

    /**
     * The subject {@code type:id} or {@code type:id#relation}.
     *
     * @param text the subject, as {@code user:ann} or {@code group:eng#member}
     * @throws IllegalArgumentException if the text is not a subject
     * @return the subject {@code type:id} or {@code type:id#relation}
     */
    public static SubjectReference subject(String text) {
        int hash = text.indexOf('#');
        SubjectReference.Builder b = SubjectReference.newBuilder();
        if (hash < 0) return b.setObject(object(text)).build();
        if (hash == text.length() - 1) {
            throw new IllegalArgumentException("`" + text + "` is not a subject: the relation after `#` is missing");
        }
        return b.setObject(object(text.substring(0, hash)))
                .setOptionalRelation(text.substring(hash + 1))
                .build();
    }

    /**
     * The relationship {@code type:id#relation@subject}.
     *
     * @param text the relationship, as {@code document:readme#viewer@user:ann}
     * @throws IllegalArgumentException if the text is not a relationship
     * @return the relationship {@code type:id#relation@subject}
     */
    public static Relationship relationship(String text) {
        int at = text.indexOf('@');
        int hash = at < 0 ? -1 : text.lastIndexOf('#', at);
        if (at < 0 || hash <= 0) {
            throw new IllegalArgumentException(
                    "`" + text
                            + "` is not a relationship: expected resource#relation@subject, as document:readme#viewer@user:ann");
        }
        return Relationship.newBuilder()
                .setResource(object(text.substring(0, hash)))
                .setRelation(text.substring(hash + 1, at))
                .setSubject(subject(text.substring(at + 1)))
                .build();
    }

    /**
     * A TOUCH of the relationship {@code text}: creates it, or replaces it if it exists.
     *
     * @param text the relationship, as {@code document:readme#viewer@user:ann}
     * @return a TOUCH of the relationship {@code text}: creates it, or replaces it if it exists
     */
    public static RelationshipUpdate touch(String text) {
        return update(RelationshipUpdate.Operation.OPERATION_TOUCH, relationship(text));
    }

    /**
     * A DELETE of the relationship {@code text} (nothing happens if it does not exist).
     *
     * @param text the relationship, as {@code document:readme#viewer@user:ann}
     * @return a DELETE of the relationship {@code text} (nothing happens if it does not exist)
     */
    public static RelationshipUpdate delete(String text) {
        return update(RelationshipUpdate.Operation.OPERATION_DELETE, relationship(text));
    }

    /**
     * A CREATE of the relationship {@code text}: the write fails if it exists.
     *
     * @param text the relationship, as {@code document:readme#viewer@user:ann}
     * @return a CREATE of the relationship {@code text}: the write fails if it exists
     */
    public static RelationshipUpdate create(String text) {
        return update(RelationshipUpdate.Operation.OPERATION_CREATE, relationship(text));
    }

    private static RelationshipUpdate update(RelationshipUpdate.Operation op, Relationship r) {
        return RelationshipUpdate.newBuilder()
                .setOperation(op)
                .setRelationship(r)
                .build();
    }

    /**
     * A caveat context (or transaction metadata) from JSON-shaped Java values: String, Boolean, Number, List, Map
     * with String keys, null; anything else by its {@code toString()}.
     *
     * @param values the fields, by name
     * @return the context
     */
    public static Struct context(Map<String, ?> values) {
        Struct.Builder b = Struct.newBuilder();
        values.forEach((k, v) -> b.putFields(k, value(v)));
        return b.build();
    }

    private static Value value(Object o) {
        Value.Builder b = Value.newBuilder();
        if (o == null) return b.setNullValue(NullValue.NULL_VALUE).build();
        if (o instanceof Boolean x) return b.setBoolValue(x).build();
        if (o instanceof Number x) return b.setNumberValue(x.doubleValue()).build();
        if (o instanceof Map<?, ?> x) {
            Struct.Builder s = Struct.newBuilder();
            x.forEach((k, v) -> s.putFields(String.valueOf(k), value(v)));
            return b.setStructValue(s).build();
        }
        if (o instanceof List<?> x) {
            ListValue.Builder l = ListValue.newBuilder();
            for (Object e : x) l.addValues(value(e));
            return b.setListValue(l).build();
        }
        return b.setStringValue(o.toString()).build();
    }

    /**
     * The text form of an object.
     *
     * @param o the object
     * @return the text form of an object
     */
    public static String text(ObjectReference o) {
        return o.getObjectType() + ":" + o.getObjectId();
    }

    /**
     * The text form of a subject.
     *
     * @param s the subject
     * @return the text form of a subject
     */
    public static String text(SubjectReference s) {
        return s.getOptionalRelation().isEmpty()
                ? text(s.getObject())
                : text(s.getObject()) + "#" + s.getOptionalRelation();
    }

    /**
     * The text form of a relationship (its caveat and expiration left out).
     *
     * @param r the relationship
     * @return the text form of a relationship (its caveat and expiration left out)
     */
    public static String text(Relationship r) {
        return text(r.getResource()) + "#" + r.getRelation() + "@" + text(r.getSubject());
    }
}
