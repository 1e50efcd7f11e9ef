package dev.kith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kith.api.server.WireShapes;
import dev.kith.engine.Relationship;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The command's wire codec writes relationships in SpiceDB's v1 JSON shape, byte for byte, and reads back what
 * the server renders (the same text the server is held to: {@link WireShapes}).
 */
class WireTest {
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void relationshipsRoundTripThroughTheGatewaysShape() throws Exception {
        for (Map.Entry<Relationship, String> c : WireShapes.CASES.entrySet()) {
            assertThat(mapper.writeValueAsString(Wire.relationship(mapper, c.getKey())))
                    .as(c.getKey().toString())
                    .isEqualTo(c.getValue());
            assertThat(Wire.relationship(mapper, mapper.readTree(c.getValue()))).isEqualTo(c.getKey());
        }
    }
}
