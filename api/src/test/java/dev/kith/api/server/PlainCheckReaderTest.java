package dev.kith.api.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.engine.Consistency;
import dev.kith.engine.KithException;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Requests;
import dev.kith.engine.SubjectRef;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The streaming check reader against the general one: whatever it accepts, it reads exactly as {@link
 * RequestReader} does, and it hands every body the general reader refuses (and every rarer shape) back to it.
 */
class PlainCheckReaderTest {
    private final RequestReader general = new RequestReader(Limits.defaults(), Tokens.create("secret"));
    private final PlainCheckReader plain = new PlainCheckReader(general.mapper().getFactory(), Limits.defaults());

    private static final String RESOURCE = "\"resource\":{\"objectType\":\"document\",\"objectId\":\"doc-1\"}";
    private static final String SUBJECT = "\"subject\":{\"object\":{\"objectType\":\"user\",\"objectId\":\"alice\"}}";

    @Test
    void readsThePlainShapeAsTheGeneralReaderDoes() {
        List<String> bodies = List.of(
                "{" + RESOURCE + ",\"permission\":\"view\"," + SUBJECT + "}",
                " {" + SUBJECT + ",\"permission\":\"view\"," + RESOURCE + "} ",
                "{" + RESOURCE + ",\"permission\":\"view\",\"subject\":{\"object\":{\"objectType\":\"group\","
                        + "\"objectId\":\"eng\"},\"optionalRelation\":\"member\"}}",
                "{" + RESOURCE + ",\"permission\":\"view\",\"subject\":{\"object\":{\"objectType\":\"user\","
                        + "\"objectId\":\"alice\"},\"optionalRelation\":null}}",
                "{" + RESOURCE + ",\"permission\":\"view\",\"subject\":{\"optionalRelation\":\"...\",\"object\":"
                        + "{\"objectId\":\"alice\",\"objectType\":\"user\"}}}",
                "{" + RESOURCE + ",\"permission\":\"view\",\"subject\":{\"object\":{\"objectType\":\"user\","
                        + "\"objectId\":\"*\"},\"optionalRelation\":\"\"}}",
                "{\"consistency\":{\"minimizeLatency\":true}," + RESOURCE + ",\"permission\":\"view\"," + SUBJECT + "}",
                "{" + RESOURCE + ",\"permission\":\"view\"," + SUBJECT
                        + ",\"consistency\":{\"fullyConsistent\":true}}");
        for (String body : bodies) {
            Requests.Check fast = plain.read(bytes(body));
            assertThat(fast).as(body).isNotNull().isEqualTo(generalRead(body));
        }
        assertThat(plain.read(bytes(bodies.get(2))).subject()).isEqualTo(new SubjectRef("group", "eng", "member"));
        assertThat(plain.read(bytes(bodies.get(5))).subject()).isEqualTo(SubjectRef.wildcard("user"));
        assertThat(plain.read(bytes(bodies.get(7))).consistency()).isEqualTo(Consistency.FULLY_CONSISTENT);
        assertThat(plain.read(bytes(bodies.get(0))).resource()).isEqualTo(new ObjectRef("document", "doc-1"));
    }

    @Test
    void leavesEveryRefusedOrRarerBodyToTheGeneralReader() {
        List<String> refused = List.of(
                "",
                "[]",
                "{",
                "{" + RESOURCE + ",\"permission\":\"view\"," + SUBJECT + "} {}",
                "{" + RESOURCE + ",\"permission\":\"view\"}",
                "{" + RESOURCE + ",\"permission\":\"\"," + SUBJECT + "}",
                "{" + RESOURCE + ",\"permission\":\"View!\"," + SUBJECT + "}",
                "{" + RESOURCE + ",\"permission\":7," + SUBJECT + "}",
                "{" + RESOURCE + ",\"permission\":\"view\",\"permission\":\"edit\"," + SUBJECT + "}",
                "{\"resource\":{\"objectType\":\"document\",\"objectId\":\"*\"},\"permission\":\"view\"," + SUBJECT
                        + "}",
                "{\"resource\":{\"objectType\":\"Doc\",\"objectId\":\"d\"},\"permission\":\"view\"," + SUBJECT + "}",
                "{\"resource\":{\"objectType\":\"document\",\"objectId\":\"a b\"},\"permission\":\"view\"," + SUBJECT
                        + "}",
                "{\"resource\":{\"objectType\":\"document\",\"objectId\":\"" + "x".repeat(2000)
                        + "\"},\"permission\":\"view\"," + SUBJECT + "}",
                "{\"resource\":{\"object_type\":\"document\",\"objectId\":\"d\"},\"permission\":\"view\"," + SUBJECT
                        + "}",
                "{" + RESOURCE + ",\"permission\":\"view\",\"subject\":{\"object\":{\"objectType\":\"user\","
                        + "\"objectId\":\"*\"},\"optionalRelation\":\"member\"}}",
                "{" + RESOURCE + ",\"permission\":\"view\",\"subject\":{\"object\":{\"objectType\":\"user\","
                        + "\"objectId\":\"alice\"},\"optionalRelation\":\"Bad Name\"}}",
                "{" + RESOURCE + ",\"permission\":\"view\"," + SUBJECT + ",\"unknown\":1}",
                "{" + RESOURCE + ",\"permission\":\"view\"," + SUBJECT + ",\"consistency\":{\"minimizeLatency\":true,"
                        + "\"fullyConsistent\":true}}",
                "{" + RESOURCE + ",\"permission\":\"view\"," + SUBJECT + ",\"consistency\":null}");
        for (String body : refused) {
            assertThat(plain.read(bytes(body))).as(body).isNull();
        }
        // rarer but valid shapes are read by the general reader
        List<String> rarer = List.of(
                "{" + RESOURCE + ",\"permission\":\"view\"," + SUBJECT + ",\"withTracing\":true}",
                "{" + RESOURCE + ",\"permission\":\"view\"," + SUBJECT + ",\"context\":{\"ip\":\"1.2.3.4\"}}",
                "{" + RESOURCE + ",\"permission\":\"view\"," + SUBJECT
                        + ",\"consistency\":{\"minimizeLatency\":false}}");
        for (String body : rarer) {
            assertThat(plain.read(bytes(body))).as(body).isNull();
            assertThat(generalRead(body)).as(body).isNotNull();
        }
    }

    @Test
    void theGeneralReaderRefusesWhatThePlainReaderHandsBack() {
        for (String body : List.of(
                "{" + RESOURCE + ",\"permission\":\"View!\"," + SUBJECT + "}",
                "{" + RESOURCE + ",\"permission\":\"view\",\"permission\":\"edit\"," + SUBJECT + "}")) {
            assertThat(plain.read(bytes(body))).isNull();
            assertThatThrownBy(() -> generalRead(body)).as(body).isInstanceOf(KithException.InvalidArgument.class);
        }
    }

    private Requests.Check generalRead(String body) {
        JsonIn in = JsonIn.object(general.parse(bytes(body)), "", UnaryHandlers.CHECK);
        Consistency consistency = general.consistency(in);
        return general.check(in, consistency, in.bool("withTracing"), general.contextualRelationships(in));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
