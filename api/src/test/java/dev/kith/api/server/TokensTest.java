package dev.kith.api.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.engine.DeploymentIdentity;
import dev.kith.engine.KithException;
import dev.kith.engine.Revision;
import org.junit.jupiter.api.Test;

class TokensTest {
    private final Tokens tokens = Tokens.create("secret-one");

    @Test
    void aTokenNamesItsRevisionAndIsUrlSafe() {
        String t = tokens.encode(new Revision(123_456_789L));
        assertThat(t).matches("[A-Za-z0-9_-]+");
        assertThat(tokens.decode(t, "token")).isEqualTo(new Revision(123_456_789L));
        assertThat(Tokens.create("secret-one").decode(t, "token")).isEqualTo(new Revision(123_456_789L));
    }

    @Test
    void theCachedLastTokenIsTheSignedTokenOfThatRevisionOnly() {
        Tokens other = Tokens.create("secret-one");
        String seven = tokens.encode(new Revision(7));
        assertThat(tokens.encode(new Revision(7))).isEqualTo(seven);
        assertThat(other.encode(new Revision(7))).as("same secret, no cache").isEqualTo(seven);
        String eight = tokens.encode(new Revision(8));
        assertThat(eight).isNotEqualTo(seven);
        assertThat(tokens.decode(eight, "t")).isEqualTo(new Revision(8));
        assertThat(tokens.encode(new Revision(7))).isEqualTo(seven);
    }

    @Test
    void everyAlteredCharacterIsDetected() {
        String t = tokens.encode(new Revision(7));
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            String altered = t.substring(0, i) + (c == 'A' ? 'B' : 'A') + t.substring(i + 1);
            assertThatThrownBy(() -> tokens.decode(altered, "token"))
                    .as("position " + i)
                    .isInstanceOf(KithException.InvalidArgument.class);
        }
    }

    @Test
    void foreignTruncatedAndEmptyTokensSaySo() {
        String foreign = Tokens.create("secret-two").encode(new Revision(7));
        assertThatThrownBy(() -> tokens.decode(foreign, "t")).hasMessageContaining("another kith deployment");
        String t = tokens.encode(new Revision(7));
        assertThatThrownBy(() -> tokens.decode(t.substring(0, t.length() - 4), "t"))
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> tokens.decode("", "t")).hasMessageContaining("empty");
        assertThatThrownBy(() -> tokens.decode("%%%", "t")).hasMessageContaining("malformed");
    }

    @Test
    void eachInMemoryDeploymentSignsWithItsOwnSecret() {
        String t = Tokens.create(DeploymentIdentity.random().tokenSecret()).encode(new Revision(1));
        assertThatThrownBy(() ->
                        Tokens.create(DeploymentIdentity.random().tokenSecret()).decode(t, "t"))
                .hasMessageContaining("another kith deployment");
    }

    @Test
    void aCursorCarriesItsPositionForTheSameBindingOnly() {
        String position = "cmVzb3VyY2VzOjQyOjE3"; // any text the engine hands out
        String cursor = tokens.signCursor("[\"resources\",\"doc\",\"view\"]", position);
        assertThat(cursor).matches("[A-Za-z0-9_-]+");
        assertThat(Tokens.create("secret-one").openCursor(cursor, "[\"resources\",\"doc\",\"view\"]", "c"))
                .isEqualTo(position);
        assertThatThrownBy(() -> tokens.openCursor(cursor, "[\"resources\",\"doc\",\"edit\"]", "optionalCursor"))
                .isInstanceOfSatisfying(KithException.InvalidArgument.class, e -> {
                    assertThat(e.field()).isEqualTo("optionalCursor");
                    assertThat(e.getMessage()).contains("handed out for another request");
                });
        assertThatThrownBy(() -> Tokens.create("secret-two")
                        .openCursor(cursor, "[\"resources\",\"doc\",\"view\"]", "optionalCursor"))
                .isInstanceOf(KithException.InvalidArgument.class)
                .hasMessageContaining("altered or forged");
        for (int i = 0; i < cursor.length(); i++) {
            char c = cursor.charAt(i);
            String altered = cursor.substring(0, i) + (c == 'A' ? 'B' : 'A') + cursor.substring(i + 1);
            assertThatThrownBy(() -> tokens.openCursor(altered, "[\"resources\",\"doc\",\"view\"]", "c"))
                    .as("character %d", i)
                    .isInstanceOf(KithException.InvalidArgument.class);
        }
        for (String garbage : new String[] {"not base64!", "AA", cursor.substring(0, 10)}) {
            assertThatThrownBy(() -> tokens.openCursor(garbage, "[]", "optionalCursor"))
                    .as(garbage)
                    .isInstanceOf(KithException.InvalidArgument.class)
                    .hasMessageContaining("cursor");
        }
    }
}
