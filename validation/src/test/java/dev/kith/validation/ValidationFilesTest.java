package dev.kith.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.engine.ObjectRef;
import dev.kith.engine.Relationship;
import dev.kith.engine.SubjectRef;
import dev.kith.validation.ValidationFile.AssertionKind;
import dev.kith.validation.ValidationFile.ExpectedSubject;
import dev.kith.validation.ValidationFile.MarkedSubject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidationFilesTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    private ValidationFile load(String text) throws Exception {
        return ValidationFiles.load(write("file.yaml", text));
    }

    private ValidationFileException loadError(String text) throws IOException {
        Path p = write("bad.yaml", text);
        try {
            ValidationFiles.load(p);
        } catch (ValidationFileException e) {
            return e;
        }
        throw new AssertionError("expected a load error");
    }

    @Test
    void loadsEveryBlockWithLines() throws Exception {
        ValidationFile f = load("""
                schema: |-
                  definition member {}
                  definition folder { relation reader: member }
                relationships: >-
                  folder:a#reader@member:ann

                  // the second one

                  folder:a#reader@member:bob[expiration:2300-01-01T00:00:00Z]
                assertions:
                  assertTrue:
                    - folder:a#reader@member:ann
                  assertFalse:
                    - 'folder:a#reader@member:cid with {"k": 1}'
                  assertCaveated: []
                validation:
                  folder:a#reader:
                    - "[member:ann] is <folder:a#reader>"
                    - "[member:bob] is <folder:a#reader>"
                """);
        assertThat(f.schema().text()).startsWith("definition member {}\n");
        assertThat(f.schema().name()).isEqualTo("schema");
        assertThat(f.schema().line()).isEqualTo(1);
        assertThat(f.schema().textLine()).isEqualTo(2);
        assertThat(f.schema().indent()).isEqualTo(2);
        assertThat(f.relationships())
                .extracting(r -> r.relationship().toString(), r -> r.line())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("folder:a#reader@member:ann", 5),
                        org.assertj.core.groups.Tuple.tuple(
                                "folder:a#reader@member:bob[expiration:2300-01-01T00:00:00Z]", 9));
        assertThat(f.assertions()).hasSize(2);
        assertThat(f.assertions().get(0).kind()).isEqualTo(AssertionKind.TRUE);
        assertThat(f.assertions().get(0).line()).isEqualTo(12);
        assertThat(f.assertions().get(1).subject()).isEqualTo(SubjectRef.object("member", "cid"));
        assertThat(f.assertions().get(1).context()).isEqualTo(Map.of("k", 1L));
        assertThat(f.expectedRelations()).hasSize(1);
        assertThat(f.expectedRelations().getFirst().resource()).isEqualTo(new ObjectRef("folder", "a"));
        assertThat(f.expectedRelations().getFirst().relation()).isEqualTo("reader");
        assertThat(f.expectedRelations().getFirst().line()).isEqualTo(17);
        assertThat(f.expectedRelations().getFirst().subjects())
                .extracting(ExpectedSubject::line)
                .containsExactly(18, 19);
    }

    @Test
    void parsesExpectedSubjectForms() throws Exception {
        ValidationFile f = load("""
                validation:
                  doc:one#view:
                    - "[team:core#member] is <doc:one#viewer>"
                    - "[member:ann[...]] is <team:core#direct>/<doc:one#editor>"
                    - "[member:* - {member:bob, member:cid[...]}] is <doc:one#viewer>"
                    - "[member:ann#...] is <tenant/doc:x#viewer>"
                  doc:two#view: []
                """);
        List<ExpectedSubject> s = f.expectedRelations().getFirst().subjects();
        assertThat(s.get(0).subject()).isEqualTo(SubjectRef.set("team", "core", "member"));
        assertThat(s.get(0).caveated()).isFalse();
        assertThat(s.get(1).caveated()).isTrue();
        assertThat(s.get(1).leaves()).containsExactly("doc:one#editor", "team:core#direct");
        assertThat(s.get(2).subject()).isEqualTo(SubjectRef.wildcard("member"));
        assertThat(s.get(2).exclusions())
                .containsExactly(
                        new MarkedSubject(SubjectRef.object("member", "bob"), false),
                        new MarkedSubject(SubjectRef.object("member", "cid"), true));
        assertThat(s.get(3).subject()).isEqualTo(SubjectRef.object("member", "ann"));
        assertThat(s.get(3).leaves()).containsExactly("tenant/doc:x#viewer");
        assertThat(f.expectedRelations().get(1).subjects()).isEmpty();
    }

    @Test
    void readsSchemaFileRelativeToTheYaml() throws Exception {
        write("schemas/s.zed", "definition member {}\n");
        Path yaml = write("sub/v.yaml", "schemaFile: \"../schemas/s.zed\"\nvalidation: null\n");
        ValidationFile f = ValidationFiles.load(yaml);
        assertThat(f.schema().text()).isEqualTo("definition member {}\n");
        assertThat(f.schema().name()).isEqualTo(dir.resolve("schemas/s.zed").toString());
        assertThat(f.schema().textLine()).isZero();
    }

    @Test
    void anEmptyFileLoadsEmpty() throws Exception {
        ValidationFile f = load("");
        assertThat(f.schema()).isNull();
        assertThat(f.relationships()).isEmpty();
        assertThat(f.assertions()).isEmpty();
    }

    @Test
    void aRepeatedRelationshipIsAnErrorNamingBothLines() throws IOException {
        ValidationFileException e = loadError("""
                relationships: |-
                  folder:a#reader@member:ann[cav]
                  folder:a#reader@member:ann
                """);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.key()).isEqualTo("relationships");
        assertThat(e.getMessage())
                .contains("bad.yaml:3: relationships: relationship `folder:a#reader@member:ann` is repeated")
                .contains("first on line 2");
    }

    @Test
    void aMalformedRelationshipNamesItsLine() throws IOException {
        ValidationFileException e = loadError("""
                relationships: >-
                  folder:a#reader@member:ann

                  folder:a#reader@member:bob[cav{"k": 1}]
                """);
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.getMessage()).contains("cannot parse `folder:a#reader@member:bob[cav{\"k\": 1}]`");
    }

    @Test
    void refusesBadStructure() throws IOException {
        assertThat(loadError("schema: a\nschemaFile: b.zed\n").getMessage())
                .contains(":2: schemaFile: give either `schema` or `schemaFile`, not both");
        assertThat(loadError("validation_tuples:\n  - \"foo\"\n").getMessage())
                .contains(":1: validation_tuples:")
                .contains("relationships in `relationships`");
        assertThat(loadError("relations: x\n").getMessage()).contains(":1: relations: unknown key");
        assertThat(loadError("assertions:\n  assertMaybe: []\n").getMessage())
                .contains(":2: assertions: unknown key `assertMaybe`");
        assertThat(loadError("assertions:\n  assertTrue: folder:a#r@member:x\n").getMessage())
                .contains("expected a list of strings under `assertTrue`");
        assertThat(loadError("relationships:\n  - folder:a#reader@member:ann\n").getMessage())
                .contains("expected one string with one relationship per line");
        assertThat(loadError("schemaFile: missing.zed\n").getMessage())
                .contains(":1: schemaFile: cannot read")
                .contains("no such file");
        assertThat(loadError("schema: [unclosed\n").getMessage()).contains("not valid YAML");
        assertThat(loadError("schema: a\nschema: b\n").getMessage()).contains("key `schema` is repeated");
    }

    @Test
    void refusesBadAssertionsAndExpectations() throws IOException {
        assertThat(loadError("assertions:\n  assertTrue:\n    - 'folder:a#r@member:x with {bad'\n")
                        .getMessage())
                .contains(":3: assertions.assertTrue:");
        assertThat(loadError("assertions:\n  assertTrue:\n    - folder:a@member:x\n")
                        .getMessage())
                .contains(":3: assertions.assertTrue: cannot parse `folder:a@member:x`");
        assertThat(loadError("validation:\n  folder:a:\n    - \"[member:a] is <folder:a#r>\"\n")
                        .getMessage())
                .contains(":2: validation: `folder:a` is not of the form resource_type:id#relation");
        assertThat(loadError("validation:\n  folder:a#rel:\n    - \"member:a is <folder:a#r>\"\n")
                        .getMessage())
                .contains(":3: validation:")
                .contains("is not of the form `[subject] is <resource#relation>`");
        assertThat(loadError("validation:\n  folder:a#rel:\n    - \"[member:a] is folder:a#r\"\n")
                        .getMessage())
                .contains("expected `<resource#relation>` entries");
        assertThat(loadError("validation:\n  folder:a#rel:\n    - \"[member:a - {member:b}] is <folder:a#rel>\"\n")
                        .getMessage())
                .contains("only a wildcard subject can have exclusions");
    }

    @Test
    void aMissingFileIsAnError() {
        assertThatThrownBy(() -> ValidationFiles.load(dir.resolve("nope.yaml")))
                .isInstanceOf(ValidationFileException.class)
                .hasMessageContaining("nope.yaml: cannot read the file: no such file");
    }

    @Test
    void relationshipsKeepCaveatsAndContext() throws Exception {
        ValidationFile f = load("relationships: |-\n  folder:a#reader@member:ann[cav:{\"n\":2}]\n");
        Relationship r = f.relationships().getFirst().relationship();
        assertThat(r.caveat().name()).isEqualTo("cav");
        assertThat(r.caveat().context()).isEqualTo(Map.of("n", 2L));
    }
}
