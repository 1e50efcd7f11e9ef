package dev.kith.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The parser's character scanners accept exactly the language of its published regular expressions. */
class NameScannersTest {
    private static final String ALPHABET = "abcxyz019_/AZ-|=+*. #:";

    @Test
    void chosenNames() {
        assertThat(RelationshipParser.isTypeName("document")).isTrue();
        assertThat(RelationshipParser.isTypeName("tenant1/document")).isTrue();
        assertThat(RelationshipParser.isTypeName("a" + "b".repeat(63) + "/doc")).isFalse();
        assertThat(RelationshipParser.isTypeName("a" + "b".repeat(62) + "/doc")).isTrue();
        assertThat(RelationshipParser.isTypeName("a" + "b".repeat(63))).isTrue();
        assertThat(RelationshipParser.isTypeName("ab")).isFalse();
        assertThat(RelationshipParser.isTypeName("doc_")).isFalse();
        assertThat(RelationshipParser.isTypeName("tenant//doc")).isFalse();
        assertThat(RelationshipParser.isRelationName("tenant1/viewer")).isFalse();
        assertThat(RelationshipParser.isRelationName("can_view")).isTrue();
    }

    @Test
    void randomStringsAgreeWithTheRegularExpressions() {
        Random random = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            int length = random.nextInt(random.nextInt(10) == 0 ? 140 : 12);
            StringBuilder b = new StringBuilder(length);
            for (int j = 0; j < length; j++) b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            String s = b.toString();
            assertThat(RelationshipParser.isTypeName(s))
                    .as(s)
                    .isEqualTo(RelationshipParser.TYPE_NAME.matcher(s).matches());
            assertThat(RelationshipParser.isRelationName(s))
                    .as(s)
                    .isEqualTo(RelationshipParser.RELATION_NAME.matcher(s).matches());
        }
    }

    @Test
    void parseErrorsStillNameThePart() {
        assertThatThrownBy(() -> RelationshipParser.parse("Doc:1#viewer@user:a"))
                .hasMessageContaining("resource type")
                .hasMessageContaining("'Doc' is not a valid type name");
        assertThatThrownBy(() -> RelationshipParser.parse("doc:1#v@user:a"))
                .hasMessageContaining("'v' is not a valid relation name");
        assertThatThrownBy(() -> RelationshipParser.parse("doc:1#viewer@user:a#x"))
                .hasMessageContaining("'x' is not a valid relation name");
        assertThatThrownBy(() -> RelationshipParser.parse("doc:1#viewer@user:a[Bad]"))
                .hasMessageContaining("'Bad' is not a valid caveat name");
    }
}
