package dev.kith.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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

    /**
     * Comments at random places between tokens (a block comment anywhere, a line comment at the end of
     * any line) survive formatting: each exactly once, formatting stays a fixed point, and the model is
     * the same.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomCommentsAreKeptExactlyOnce(long seed) throws Exception {
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder(RandomSchemas.generate(seed));
        List<Integer> places = commentPlaces(text);
        int count = 1 + random.nextInt(8);
        List<String> markers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int at = places.get(random.nextInt(places.size()));
            String marker = "k" + i + "k";
            boolean lineComment = at < text.length() && text.charAt(at) == '\n' && random.nextBoolean();
            markers.add(marker);
            text.insert(at, lineComment ? " // " + marker : "/* " + marker + " */");
            places = commentPlaces(text);
        }
        ValidatedSchema original = Schemas.compile("random.zed", text.toString());
        String once = Schemas.format(original);
        ValidatedSchema reparsed = Schemas.compile("formatted.zed", once);
        assertThat(Schemas.format(reparsed))
                .as("seed %d, input:%n%s", seed, text)
                .isEqualTo(once);
        for (String marker : markers) {
            assertThat(once.split(marker, -1))
                    .as("seed %d: %s once in%n%s%ninput:%n%s", seed, marker, once, text)
                    .hasSize(2);
        }
        assertSameModel(original, reparsed);
    }

    /**
     * Where a comment may go in generated schema text: between two characters that are not part of one
     * token (neither is a name character, '/', '.', or the '-' of '->'), outside comments and caveat
     * bodies; the end of a line takes a line comment too.
     */
    private static List<Integer> commentPlaces(CharSequence text) {
        List<Integer> places = new ArrayList<>();
        boolean inCaveat = false;
        for (int i = 0; i <= text.length(); i++) {
            char before = i == 0 ? ' ' : text.charAt(i - 1);
            char after = i == text.length() ? ' ' : text.charAt(i);
            if (before == '/' && after == '/') {
                while (i < text.length() && text.charAt(i) != '\n') {
                    i++;
                }
                continue;
            }
            if (before == '/' && after == '*') {
                while (i < text.length() && !(text.charAt(i - 1) == '*' && text.charAt(i) == '/')) {
                    i++;
                }
                continue;
            }
            if (before == '{' && i >= 2 && lineOf(text, i).startsWith("caveat ")) {
                inCaveat = true;
            }
            if (inCaveat) {
                inCaveat = before != '}';
                if (inCaveat) {
                    continue;
                }
            }
            if (!partOfToken(before) && !partOfToken(after) && !(before == '-' && after == '>')) {
                places.add(i);
            }
        }
        return places;
    }

    private static String lineOf(CharSequence text, int at) {
        int start = at;
        while (start > 0 && text.charAt(start - 1) != '\n') {
            start--;
        }
        return text.subSequence(start, at).toString();
    }

    private static boolean partOfToken(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '/' || c == '.';
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
