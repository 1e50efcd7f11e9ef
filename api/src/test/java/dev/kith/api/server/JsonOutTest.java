package dev.kith.api.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kith.api.client.Wire;
import dev.kith.engine.Caveat;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Relationship;
import dev.kith.engine.SubjectRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The server renders relationships in the shape clients read, on its own, without the client's code. */
class JsonOutTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private final JsonOut out = new JsonOut(mapper, Tokens.create("a-test-secret-of-enough-length-0123456789"));

    @Test
    void relationshipsRenderAsTheClientReadsThemFieldForField() throws Exception {
        List<Relationship> cases = List.of(
                Relationship.parse("document:a#viewer@user:ann"),
                Relationship.parse("document:a#viewer@group:eng#member"),
                Relationship.parse("document:a#viewer@user:*"),
                new Relationship(
                        new ObjectRef("document", "b"),
                        "viewer",
                        SubjectRef.object("user", "bob"),
                        new Caveat("on_day", Map.of("day", "monday", "hours", List.of(9, 17), "n", Map.of())),
                        Instant.parse("2030-01-02T03:04:05Z")),
                new Relationship(
                        new ObjectRef("document", "c"),
                        "viewer",
                        new SubjectRef("group", "g", "member"),
                        null,
                        Instant.parse("2031-01-01T00:00:00.5Z")));
        for (Relationship r : cases) {
            // byte for byte: the same fields in the same order
            assertThat(mapper.writeValueAsString(out.relationship(r)))
                    .isEqualTo(mapper.writeValueAsString(Wire.relationship(mapper, r)));
            assertThat(Wire.relationship(mapper, out.relationship(r))).isEqualTo(r);
            assertThat(mapper.writeValueAsString(out.objectRef(r.resource())))
                    .isEqualTo(mapper.writeValueAsString(Wire.objectRef(mapper, r.resource())));
            assertThat(mapper.writeValueAsString(out.subjectRef(r.subject())))
                    .isEqualTo(mapper.writeValueAsString(Wire.subjectRef(mapper, r.subject())));
        }
    }

    @Test
    void theServerUsesNeitherTheClientNorTheCli() throws IOException {
        Path server = Path.of("src/main/java/dev/kith/api/server");
        assertThat(server).isDirectory();
        try (Stream<Path> files = Files.walk(server)) {
            List<String> offending = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> {
                        try {
                            return Files.readString(p).contains("dev.kith.api.client")
                                    || Files.readString(p).contains("dev.kith.api.cli");
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .map(Path::toString)
                    .toList();
            assertThat(offending).isEmpty();
        }
    }
}
