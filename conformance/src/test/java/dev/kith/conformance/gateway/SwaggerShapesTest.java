package dev.kith.conformance.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The shape checker on a small Swagger document of its own. */
class SwaggerShapesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String DOC = """
            {"swagger": "2.0", "definitions": {
              "Token": {"type": "object", "properties": {"token": {"type": "string"}}},
              "Kind": {"type": "string", "enum": ["KIND_A", "KIND_B"]},
              "Answer": {"type": "object", "required": ["kind"], "properties": {
                "at": {"$ref": "#/definitions/Token"},
                "kind": {"$ref": "#/definitions/Kind"},
                "count": {"type": "string", "format": "uint64"},
                "size": {"type": "integer", "format": "int32"},
                "when": {"type": "string", "format": "date-time"},
                "tags": {"type": "array", "items": {"type": "string"}},
                "context": {"type": "object"},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}}
              }}
            }}""";

    private final SwaggerShapes shapes;
    private final JsonNode answer;

    SwaggerShapesTest() throws Exception {
        JsonNode doc = JSON.readTree(DOC);
        shapes = new SwaggerShapes(doc, Set.of("Token.extra"));
        answer = JSON.readTree("{\"$ref\": \"#/definitions/Answer\"}");
    }

    private java.util.List<String> check(String json) throws Exception {
        return shapes.check(JSON.readTree(json), answer, "");
    }

    @Test
    void aConformingAnswerHasNoProblems() throws Exception {
        assertThat(check("""
                {"at": {"token": "abc"}, "kind": "KIND_B", "count": "12", "size": 3, "when": "2026-12-07T10:00:00Z",
                 "tags": ["x"], "context": {"anything": [1, {"goes": true}]}, "labels": {"a": "b"}}""")).isEmpty();
        // an unset message is written as null by the gateway
        assertThat(check("{\"at\": null, \"kind\": \"KIND_A\", \"when\": null}"))
                .isEmpty();
    }

    @Test
    void eachKindOfMismatchIsNamedByItsPath() throws Exception {
        assertThat(check("""
                {"at": {"token": 5, "other": 1}, "kind": "KIND_C", "count": "x", "size": "3", "when": "yesterday",
                 "tags": [1], "context": [], "labels": {"a": 2}, "mystery": true}"""))
                .containsExactlyInAnyOrder(
                        "at.token: a number where the schema expects a string",
                        "at.other: a field the schema does not declare",
                        "kind: \"KIND_C\" is not one of [KIND_A, KIND_B]",
                        "count: 'x' is not a uint64",
                        "size: a string where the schema expects an integer",
                        "when: 'yesterday' is not an RFC 3339 date-time",
                        "tags[0]: a number where the schema expects a string",
                        "context: an array where the schema expects an object",
                        "labels.a: a number where the schema expects a string",
                        "mystery: a field the schema does not declare");
    }

    @Test
    void aRequiredFieldMustBeThereAndNullOnlyStandsForAMessage() throws Exception {
        assertThat(check("{\"size\": null}"))
                .containsExactlyInAnyOrder(
                        "size: null where the schema expects an integer", "kind: a required field is missing");
    }

    @Test
    void aDeclaredAdditionIsAcceptedAndReported() throws Exception {
        assertThat(check("{\"kind\": \"KIND_A\", \"at\": {\"token\": \"t\", \"extra\": 1}}"))
                .isEmpty();
        assertThat(shapes.additionsSeen()).containsExactly("Token.extra");
    }
}
