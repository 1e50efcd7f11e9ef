package dev.kith.api.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kith.engine.Relationship;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The server renders relationships in SpiceDB's v1 JSON shape, byte for byte (the same fields in the same order);
 * the {@code kith} command's codec is held to the same text ({@link WireShapes}).
 */
class JsonOutTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private final JsonOut out = new JsonOut(mapper, Tokens.create("a-test-secret-of-enough-length-0123456789"));

    @Test
    void relationshipsRenderInTheGatewaysShape() throws Exception {
        for (Map.Entry<Relationship, String> c : WireShapes.CASES.entrySet()) {
            assertThat(mapper.writeValueAsString(out.relationship(c.getKey())))
                    .as(c.getKey().toString())
                    .isEqualTo(c.getValue());
            assertThat(mapper.writeValueAsString(out.objectRef(c.getKey().resource())))
                    .isEqualTo(mapper.readTree(c.getValue()).get("resource").toString());
            assertThat(mapper.writeValueAsString(out.subjectRef(c.getKey().subject())))
                    .isEqualTo(mapper.readTree(c.getValue()).get("subject").toString());
        }
    }
}
