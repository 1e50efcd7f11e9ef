package dev.kith.api.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.engine.RelationshipParser;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The character scanners agree with the engine's regular expressions, on chosen and on random strings. */
class NamesTest {
    private static final String ALPHABET = "abcxyz019_/AZ-|=+*. #:";

    @Test
    void chosenNames() {
        assertThat(Names.isTypeName("document")).isTrue();
        assertThat(Names.isTypeName("tenant1/document")).isTrue();
        assertThat(Names.isTypeName("ab")).isFalse();
        assertThat(Names.isTypeName("Document")).isFalse();
        assertThat(Names.isTypeName("doc_")).isFalse();
        assertThat(Names.isTypeName("/document")).isFalse();
        assertThat(Names.isRelationName("tenant1/viewer")).isFalse();
        assertThat(Names.isObjectId("a/b_c|d-e=f+g")).isTrue();
        assertThat(Names.isObjectId("")).isFalse();
        assertThat(Names.isObjectId("a b")).isFalse();
        assertThat(Names.isObjectId("*")).isFalse();
    }

    @Test
    void randomStringsAgreeWithTheRegularExpressions() {
        Random random = new Random(42);
        for (int i = 0; i < 200_000; i++) {
            int length = random.nextInt(random.nextInt(10) == 0 ? 140 : 12);
            StringBuilder b = new StringBuilder(length);
            for (int j = 0; j < length; j++) b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            String s = b.toString();
            assertThat(Names.isTypeName(s))
                    .as(s)
                    .isEqualTo(RelationshipParser.TYPE_NAME.matcher(s).matches());
            assertThat(Names.isRelationName(s))
                    .as(s)
                    .isEqualTo(RelationshipParser.RELATION_NAME.matcher(s).matches());
            assertThat(Names.isObjectId(s))
                    .as(s)
                    .isEqualTo(RelationshipParser.OBJECT_ID.matcher(s).matches());
        }
    }
}
