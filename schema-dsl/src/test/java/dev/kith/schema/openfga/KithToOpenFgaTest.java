package dev.kith.schema.openfga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.schema.Definition;
import dev.kith.schema.Diagnostic;
import dev.kith.schema.RelationDef;
import dev.kith.schema.SchemaException;
import dev.kith.schema.Schemas;
import dev.kith.schema.ValidatedSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** kith → OpenFGA: the model's text, the round trip back to kith, and every construct refused at its line. */
class KithToOpenFgaTest {

    private static List<Diagnostic> refused(String kith) {
        try {
            OpenFga.fromKith("s.zed", kith);
        } catch (SchemaException e) {
            return e.diagnostics();
        }
        throw new AssertionError("expected the schema to be refused:\n" + kith);
    }

    /** Every relation's name, kind, allowed subjects and rewrite, by type: what a schema means, not how it reads. */
    private static Map<String, List<String>> meaning(ValidatedSchema s) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Definition d : s.definitions().values()) {
            List<String> relations = new ArrayList<>();
            for (RelationDef r : d.relations().values()) {
                relations.add(r.name() + " " + r.kind() + " " + r.allowedSubjects() + " " + r.rewrite());
            }
            out.put(d.name(), relations);
        }
        s.caveats()
                .forEach((name, c) -> out.put(
                        "caveat " + name,
                        List.of(c.parameters().toString(), c.expression().strip())));
        return out;
    }

    @Test
    void writesTypesRelationsPermissionsAndConditions() throws SchemaException {
        String model = OpenFga.fromKith("s.zed", """
                caveat on_day(day string, allowed list<string>) {
                    day in allowed
                }

                definition user {}

                definition group {
                    relation member: user | group#member
                }

                definition folder {
                    relation parent: folder
                    relation viewer: user | user:* | group#member | user with on_day
                    relation banned: user
                    permission view = (viewer + parent->view) - banned
                    permission both = viewer & banned
                }
                """);

        assertThat(model).isEqualTo("""
                model
                  schema 1.1

                type user

                type group
                  relations
                    define member: [user, group#member]

                type folder
                  relations
                    define parent: [folder]
                    define viewer: [user, user:*, group#member, user with on_day]
                    define banned: [user]
                    define view: (viewer or view from parent) but not banned
                    define both: viewer and banned

                condition on_day(day: string, allowed: list<string>) {
                  day in allowed
                }
                """);
    }

    static Stream<Path> exampleSchemas() throws IOException {
        Path examples = Path.of("..", "examples");
        try (Stream<Path> files = Files.walk(examples)) {
            return files
                    .filter(p -> p.getFileName().toString().endsWith(".zed"))
                    .filter(p -> !p.toString().contains("target"))
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    @ParameterizedTest
    @MethodSource("exampleSchemas")
    void everyExampleTranslatesBackToTheSameSchemaOrIsRefusedByName(Path file) throws IOException, SchemaException {
        String kith = Files.readString(file);
        ValidatedSchema original = Schemas.compile(file.toString(), kith);
        String model;
        try {
            model = OpenFga.fromKith(file.toString(), kith);
        } catch (SchemaException e) {
            assertThat(e.diagnostics())
                    .as(file.toString())
                    .allSatisfy(d -> assertThat(d.message()).contains("OpenFGA"));
            assertThat(original.usesExpiration() || original.usesSelf())
                    .as(file + ": " + e.getMessage())
                    .isTrue();
            return;
        }
        OpenFgaModel back = OpenFga.translate(file + ".fga", model);

        assertThat(meaning(back.schema())).as(model).isEqualTo(meaning(original));
    }

    @Test
    void whatOpenFgaCannotSayIsRefusedAtItsLine() {
        List<Diagnostic> d = refused("""
                use expiration

                definition user {}

                definition group {
                    relation member: user | group#member
                }

                definition doc {
                    relation parent: group#member
                    relation viewer: user with expiration
                    relation owner: user
                    permission none = nil
                    permission every = parent.all(member)
                    permission walk = parent->member
                }
                """);

        assertThat(d)
                .extracting(x -> x.position().line() + ": " + x.message())
                .containsExactly(
                        "11: relation doc#viewer allows expiring subjects (`with expiration`), which OpenFGA cannot"
                                + " express",
                        "13: permission doc#none is `nil`, which OpenFGA cannot express",
                        "14: permission doc#every uses `parent.all(member)`: OpenFGA's `from` is granted by any one"
                                + " element, it has no arrow every element must grant",
                        "14: permission doc#every walks `parent`, which allows `group#member`: OpenFGA's `member from"
                                + " parent` needs a relation of direct object types only",
                        "15: permission doc#walk walks `parent`, which allows `group#member`: OpenFGA's `member from"
                                + " parent` needs a relation of direct object types only");
    }

    @Test
    void keywordNamesAndBytesParametersAreRefused() {
        List<Diagnostic> d = refused("""
                caveat blob(data bytes) {
                    size(data) > 0
                }

                definition user {}

                definition condition {
                    relation viewer: user
                }
                """);

        assertThat(d)
                .extracting(Diagnostic::message)
                .containsExactlyInAnyOrder(
                        "the definition `condition` is a keyword of OpenFGA's language; rename it to convert",
                        "caveat blob's parameter data is `bytes`, a type OpenFGA's conditions do not have");
    }

    @Test
    void aSchemaWithErrorsIsRefusedWithItsOwnErrors() {
        assertThatThrownBy(() -> OpenFga.fromKith("s.zed", "definition doc {\n  relation viewer: nobody\n}\n"))
                .isInstanceOf(SchemaException.class)
                .hasMessageContaining("nobody");
    }
}
