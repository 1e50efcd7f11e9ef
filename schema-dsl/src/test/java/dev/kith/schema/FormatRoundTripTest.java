package dev.kith.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Formatting is a fixed point that keeps the model: for random valid schemas (seeded, so a failure
 * names its seed), {@code format(compile(format(x))) == format(x)} and both compile to the same
 * definitions, rewrites and caveats.
 */
class FormatRoundTripTest {

    static LongStream seeds() {
        return LongStream.range(0, 300);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomSchemasSurviveFormatParseFormat(long seed) throws Exception {
        String text = RandomSchemas.generate(seed);
        ValidatedSchema original = Schemas.compile("random.zed", text);
        String once = Schemas.format(original);
        ValidatedSchema reparsed = Schemas.compile("formatted.zed", once);
        assertThat(Schemas.format(reparsed))
                .as("seed %d, input:%n%s", seed, text)
                .isEqualTo(once);
        assertSameModel(original, reparsed);
    }

    @Test
    void theGeneratorCoversTheLanguage() throws Exception {
        StringBuilder all = new StringBuilder();
        seeds().forEach(seed -> all.append(RandomSchemas.generate(seed)));
        assertThat(all.toString())
                .contains("->", ".all(", ".any(", "nil", " & ", " - ", " + ", "(", ":*", "#rel_", " with ", "/**", ";");
    }

    static void assertSameModel(ValidatedSchema expected, ValidatedSchema actual) {
        assertThat(actual.definitions().keySet())
                .containsExactlyElementsOf(expected.definitions().keySet());
        for (Definition definition : expected.definitions().values()) {
            Definition other = actual.definition(definition.name());
            assertThat(other.docComment() == null).isEqualTo(definition.docComment() == null);
            assertThat(other.relations().keySet())
                    .containsExactlyElementsOf(definition.relations().keySet());
            for (RelationDef relation : definition.relations().values()) {
                RelationDef copy = other.relation(relation.name());
                assertThat(copy.kind()).isEqualTo(relation.kind());
                assertThat(copy.allowedSubjects()).isEqualTo(relation.allowedSubjects());
                assertThat(copy.rewrite()).isEqualTo(relation.rewrite());
            }
        }
        assertThat(actual.caveats().keySet())
                .containsExactlyElementsOf(expected.caveats().keySet());
        for (CaveatDef caveat : expected.caveats().values()) {
            CaveatDef copy = actual.caveat(caveat.name());
            assertThat(copy.parameters()).isEqualTo(caveat.parameters());
            assertThat(copy.expression()).isEqualTo(caveat.expression());
        }
        assertThat(actual.usesExpiration()).isEqualTo(expected.usesExpiration());
        assertThat(actual.usesSelf()).isEqualTo(expected.usesSelf());
    }
}
