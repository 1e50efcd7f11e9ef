package dev.kith.api.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kith.engine.Permissionship;
import dev.kith.engine.Results;
import dev.kith.engine.Revision;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A check's answer written without a tree is byte for byte the serialised tree. */
class CheckJsonTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private static final dev.kith.engine.SubjectRef ANN = new dev.kith.engine.SubjectRef("user", "ann", null);
    private final JsonOut out = new JsonOut(mapper, Tokens.create("secret"));

    /** The answer as the HTTP gateway writes it: every field of CheckPermissionResponse. */
    private static com.fasterxml.jackson.databind.node.ObjectNode gateway(
            com.fasterxml.jackson.databind.node.ObjectNode n) {
        return GatewayFields.complete(n, dev.kith.proto.v1.CheckPermissionResponse.getDescriptor());
    }

    @Test
    void theUsualAnswerIsTheSerialisedTree() throws Exception {
        for (Permissionship p : Permissionship.values()) {
            for (long revision : new long[] {0, 1, 42, Long.MAX_VALUE}) {
                var c = new Results.Check(p, List.of(), new Revision(revision), null);
                assertThat(new String(out.checkJson(c, ANN), java.nio.charset.StandardCharsets.UTF_8))
                        .isEqualTo(mapper.writeValueAsString(gateway(out.check(c, ANN))));
            }
        }
    }

    @Test
    void anAnswerWithMissingContextIsTheSerialisedTree() throws Exception {
        var c = new Results.Check(Permissionship.CONDITIONAL_PERMISSION, List.of("ip", "time"), new Revision(9), null);
        String json = new String(out.checkJson(c, ANN), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(json)
                .isEqualTo(mapper.writeValueAsString(gateway(out.check(c, ANN))))
                .contains("\"missingRequiredContext\"");
    }
}
