package dev.kith.api.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kith.proto.v1.CheckPermissionResponse;
import dev.kith.proto.v1.LookupSubjectsResponse;
import dev.kith.proto.v1.WatchResponse;
import dev.kith.proto.v1.WriteRelationshipsRequest;
import org.junit.jupiter.api.Test;

/** Unset fields written as SpiceDB's gateway writes them, in the message's order. */
class GatewayFieldsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String complete(String json, com.google.protobuf.Descriptors.Descriptor type) throws Exception {
        return JSON.writeValueAsString(GatewayFields.complete((ObjectNode) JSON.readTree(json), type));
    }

    @Test
    void aCheckAnswerGetsItsUnsetMessagesAsNullInDeclarationOrder() throws Exception {
        assertThat(complete(
                        "{\"permissionship\":\"PERMISSIONSHIP_HAS_PERMISSION\",\"checkedAt\":{\"token\":\"t\"}}",
                        CheckPermissionResponse.getDescriptor()))
                .isEqualTo("{\"checkedAt\":{\"token\":\"t\"},\"permissionship\":\"PERMISSIONSHIP_HAS_PERMISSION\","
                        + "\"partialCaveatInfo\":null,\"debugTrace\":null,\"optionalExpiresAt\":null}");
    }

    @Test
    void scalarsListsEnumsAndNestedMessagesGetTheirZeroValues() throws Exception {
        String out = complete(
                "{\"lookedUpAt\":{\"token\":\"t\"},\"subject\":{\"subjectObjectId\":\"ann\"}}",
                LookupSubjectsResponse.getDescriptor());
        var n = JSON.readTree(out);
        assertThat(n.get("subjectObjectId").asText()).isEmpty();
        assertThat(n.get("excludedSubjectIds").isArray()).isTrue();
        assertThat(n.get("permissionship").asText()).isEqualTo("LOOKUP_PERMISSIONSHIP_UNSPECIFIED");
        assertThat(n.get("partialCaveatInfo").isNull()).isTrue();
        assertThat(n.get("subject").get("subjectObjectId").asText()).isEqualTo("ann");
        assertThat(n.get("subject").get("permissionship").asText()).isEqualTo("LOOKUP_PERMISSIONSHIP_UNSPECIFIED");
        assertThat(n.get("subject").get("partialCaveatInfo").isNull()).isTrue();
        assertThat(n.get("excludedSubjects").isArray()).isTrue();
    }

    @Test
    void kithsOwnFieldsFollowAndStructsStayAsGiven() throws Exception {
        String out =
                complete("{\"kithExtra\":1,\"optionalTransactionMetadata\":{\"a\":1}}", WatchResponse.getDescriptor());
        var n = JSON.readTree(out);
        assertThat(n.get("optionalTransactionMetadata").toString()).isEqualTo("{\"a\":1}");
        assertThat(n.get("updates").isArray()).isTrue();
        var names = new java.util.ArrayList<String>();
        n.fieldNames().forEachRemaining(names::add);
        assertThat(names.get(names.size() - 1)).isEqualTo("kithExtra");
    }

    @Test
    void anUnsetOneofMemberStaysAbsent() throws Exception {
        // RelationshipUpdate has no oneof; Consistency's requirement is one: a request-side message, used here as
        // a message with a oneof whose members must not be invented
        String out = complete("{}", dev.kith.proto.v1.Consistency.getDescriptor());
        assertThat(out).isEqualTo("{}");
        assertThat(complete("{}", WriteRelationshipsRequest.getDescriptor()))
                .contains("\"updates\":[]")
                .contains("\"optionalPreconditions\":[]");
    }
}
