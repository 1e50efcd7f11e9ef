package dev.kith.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import dev.kith.engine.KithException;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.RelationshipParser;
import dev.kith.engine.SubjectRef;
import dev.kith.proto.v1.ObjectReference;
import dev.kith.proto.v1.Relationship;
import dev.kith.proto.v1.RelationshipFilter;
import dev.kith.proto.v1.SubjectFilter;
import dev.kith.proto.v1.SubjectReference;
import java.util.List;

/**
 * The command line's words as v1 API messages and back: {@code type:id} objects, {@code type:id[#relation]}
 * subjects, relationships in the compact form, zed's relationship filters, JSON caveat contexts. Input errors are
 * {@link KithException.InvalidArgument}s naming the argument.
 */
final class Protos {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

    private Protos() {}

    /** {@code type:id}. */
    static ObjectReference object(String text, String part) {
        ObjectRef o = RelationshipParser.parseObject(text, part, false, text);
        return ObjectReference.newBuilder()
                .setObjectType(o.type())
                .setObjectId(o.id())
                .build();
    }

    /** {@code type:id}, {@code type:*} or {@code type:id#relation}. */
    static SubjectReference subject(String text, String part) {
        int hash = text.indexOf('#');
        ObjectRef o = RelationshipParser.parseObject(hash < 0 ? text : text.substring(0, hash), part, true, text);
        SubjectReference.Builder b = SubjectReference.newBuilder()
                .setObject(ObjectReference.newBuilder().setObjectType(o.type()).setObjectId(o.id()));
        if (hash >= 0) {
            String relation = text.substring(hash + 1);
            if (!RelationshipParser.isRelationName(relation)) {
                throw new KithException.InvalidArgument(
                        part, "'" + relation + "' is not a valid relation name (in '" + text + "')");
            }
            if (SubjectRef.WILDCARD.equals(o.id())) {
                throw new KithException.InvalidArgument(part, "a wildcard subject cannot have a relation");
            }
            b.setOptionalRelation(relation);
        }
        return b.build();
    }

    /** A relationship of the engine as the API's message. */
    static Relationship relationship(dev.kith.engine.Relationship r) {
        Relationship.Builder b = Relationship.newBuilder();
        merge(Wire.relationship(JSON, r).toString(), b);
        return b.build();
    }

    /** The compact form of a relationship of the API ({@code document:1#viewer@user:ann[caveat:{…}]}). */
    static String compact(Relationship r) {
        return RelationshipParser.format(engine(r));
    }

    /** A relationship of the API as the engine's, to format it or test it against a schema. */
    static dev.kith.engine.Relationship engine(Relationship r) {
        try {
            return Wire.relationship(JSON, JSON.readTree(json(r)));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a relationship printed as JSON did not read back", e);
        }
    }

    /** A JSON object of caveat context, checked first with the same messages as everywhere in kith. */
    static Struct struct(String json, String part) {
        RelationshipParser.parseContext(json, part);
        Struct.Builder b = Struct.newBuilder();
        merge(json, b);
        return b.build();
    }

    /** A message as one line of proto3 JSON: the shape of the HTTP API. */
    static String json(Message m) {
        try {
            return PRINTER.print(m);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(
                    "cannot print " + m.getDescriptorForType().getName(), e);
        }
    }

    /** A message as a Jackson tree, to embed in a larger JSON answer. */
    static JsonNode tree(Message m) {
        try {
            return JSON.readTree(json(m));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a message printed as JSON did not read back", e);
        }
    }

    private static void merge(String json, Message.Builder b) {
        try {
            JsonFormat.parser().merge(json, b);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("kith's own JSON did not read as " + b.getDescriptorForType(), e);
        }
    }

    /**
     * A relationship filter as zed takes it: {@code RESOURCE_TYPE[:ID]} then, optionally, {@code RELATION} and {@code
     * SUBJECT_TYPE[:ID][#RELATION]}; or one argument in kith's compact form, {@code
     * type[:id][#relation][@subject_type[:id][#relation]]}.
     */
    static RelationshipFilter filter(List<String> args, String part) {
        if (args.isEmpty()) throw new KithException.InvalidArgument(part, "needs at least a resource type");
        if (args.size() > 3) {
            throw new KithException.InvalidArgument(
                    part, "takes at most three words: RESOURCE_TYPE[:ID] [RELATION] [SUBJECT_TYPE[:ID][#RELATION]]");
        }
        String resource = args.get(0);
        String relation = args.size() > 1 ? args.get(1) : null;
        String subject = args.size() > 2 ? args.get(2) : null;
        if (args.size() == 1 && (resource.contains("#") || resource.contains("@"))) {
            int at = resource.indexOf('@');
            String left = at < 0 ? resource : resource.substring(0, at);
            subject = at < 0 ? null : resource.substring(at + 1);
            int hash = left.indexOf('#');
            relation = hash < 0 ? null : left.substring(hash + 1);
            resource = hash < 0 ? left : left.substring(0, hash);
        }
        RelationshipFilter.Builder f = RelationshipFilter.newBuilder();
        String[] typeId = resource.split(":", 2);
        if (!RelationshipParser.isTypeName(typeId[0])) {
            throw new KithException.InvalidArgument(part, "'" + typeId[0] + "' is not a valid resource type");
        }
        f.setResourceType(typeId[0]);
        if (typeId.length > 1 && !typeId[1].isEmpty()) {
            if (typeId[1].endsWith("%")) {
                f.setOptionalResourceIdPrefix(typeId[1].substring(0, typeId[1].length() - 1));
            } else {
                f.setOptionalResourceId(typeId[1]);
            }
        }
        if (relation != null && !relation.isEmpty()) {
            if (!RelationshipParser.isRelationName(relation)) {
                throw new KithException.InvalidArgument(part, "'" + relation + "' is not a valid relation name");
            }
            f.setOptionalRelation(relation);
        }
        if (subject != null && !subject.isEmpty()) {
            String[] rel = subject.split("#", 2);
            String[] stypeId = rel[0].split(":", 2);
            if (!RelationshipParser.isTypeName(stypeId[0])) {
                throw new KithException.InvalidArgument(part, "'" + stypeId[0] + "' is not a valid subject type");
            }
            SubjectFilter.Builder sf = SubjectFilter.newBuilder().setSubjectType(stypeId[0]);
            if (stypeId.length > 1 && !stypeId[1].isEmpty()) sf.setOptionalSubjectId(stypeId[1]);
            if (rel.length > 1) {
                sf.setOptionalRelation(
                        SubjectFilter.RelationFilter.newBuilder().setRelation(rel[1].equals("...") ? "" : rel[1]));
            }
            f.setOptionalSubjectFilter(sf);
        }
        return f.build();
    }
}
