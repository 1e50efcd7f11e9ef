package dev.kith.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.schema.Rewrite.ComputedUserset;
import dev.kith.schema.Rewrite.Exclusion;
import dev.kith.schema.Rewrite.Intersection;
import dev.kith.schema.Rewrite.Nil;
import dev.kith.schema.Rewrite.TupleToUserset;
import dev.kith.schema.Rewrite.Union;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rewrite trees the compiler builds, and what the validated schema exposes. */
class CompilerTest {

    private static final String RELATIONS = """
            definition user {}
            definition thing {
                relation aaa: user
                relation bbb: user
                relation ccc: user
                relation ddd: user
                relation parent: thing
                permission test = %s
            }
            """;

    private static Rewrite rewriteOf(String expression) throws SchemaException {
        return Schemas.compile("t.zed", RELATIONS.formatted(expression))
                .relation("thing", "test")
                .rewrite();
    }

    private static ComputedUserset cu(String name) {
        return new ComputedUserset(name);
    }

    @Test
    void exclusionBindsLoosestSoASubtractionOfAUnionStaysWhole() throws Exception {
        assertThat(rewriteOf("aaa - bbb + ccc"))
                .isEqualTo(new Exclusion(cu("aaa"), new Union(List.of(cu("bbb"), cu("ccc")))));
        assertThat(rewriteOf("aaa + bbb - ccc"))
                .isEqualTo(new Exclusion(new Union(List.of(cu("aaa"), cu("bbb"))), cu("ccc")));
    }

    @Test
    void unionBindsTighterThanIntersection() throws Exception {
        assertThat(rewriteOf("aaa & bbb + ccc"))
                .isEqualTo(new Intersection(List.of(cu("aaa"), new Union(List.of(cu("bbb"), cu("ccc"))))));
    }

    @Test
    void unionsAndIntersectionsAreFlattenedButExclusionsKeepTheirOrder() throws Exception {
        assertThat(rewriteOf("aaa + (bbb + ccc) + ddd"))
                .isEqualTo(new Union(List.of(cu("aaa"), cu("bbb"), cu("ccc"), cu("ddd"))));
        assertThat(rewriteOf("(aaa & bbb) & (ccc & ddd)"))
                .isEqualTo(new Intersection(List.of(cu("aaa"), cu("bbb"), cu("ccc"), cu("ddd"))));
        assertThat(rewriteOf("aaa - bbb - ccc"))
                .isEqualTo(new Exclusion(new Exclusion(cu("aaa"), cu("bbb")), cu("ccc")));
        assertThat(rewriteOf("aaa - (bbb - ccc)"))
                .isEqualTo(new Exclusion(cu("aaa"), new Exclusion(cu("bbb"), cu("ccc"))));
    }

    @Test
    void arrowsBindTightestAndAnyIsTheArrow() throws Exception {
        assertThat(rewriteOf("aaa + parent->test"))
                .isEqualTo(new Union(List.of(cu("aaa"), new TupleToUserset("parent", "test", false))));
        assertThat(rewriteOf("parent.any(aaa)")).isEqualTo(new TupleToUserset("parent", "aaa", false));
        assertThat(rewriteOf("parent.all(aaa)")).isEqualTo(new TupleToUserset("parent", "aaa", true));
        assertThat(rewriteOf("nil + aaa")).isEqualTo(new Union(List.of(new Nil(), cu("aaa"))));
    }

    @Test
    void relationsKeepTheirAllowedSubjectsInOrder() throws Exception {
        ValidatedSchema schema = Schemas.compile("t.zed", """
                use expiration
                caveat only_if(flag bool) { flag }
                definition user {}
                definition group { relation member: user | group#member }
                definition doc {
                    /** who reads */
                    relation reader: user | user:* | group#member | user with only_if | user with expiration | group#member with only_if and expiration
                }
                """);
        RelationDef reader = schema.relation("doc", "reader");
        assertThat(reader.kind()).isEqualTo(RelationDef.Kind.RELATION);
        assertThat(reader.rewrite()).isEqualTo(new Rewrite.Direct());
        assertThat(reader.docComment()).isEqualTo("/** who reads */");
        assertThat(reader.position()).isEqualTo(new SourcePosition("t.zed", 7, 5));
        assertThat(reader.allowedSubjects())
                .containsExactly(
                        new AllowedSubject("user", null, false, null, false),
                        new AllowedSubject("user", null, true, null, false),
                        new AllowedSubject("group", "member", false, null, false),
                        new AllowedSubject("user", null, false, "only_if", false),
                        new AllowedSubject("user", null, false, null, true),
                        new AllowedSubject("group", "member", false, "only_if", true));
        assertThat(schema.usesExpiration()).isTrue();
        assertThat(schema.usesSelf()).isFalse();
        assertThat(schema.definitions().keySet()).containsExactly("user", "group", "doc");
        assertThat(schema.caveats().keySet()).containsExactly("only_if");
        assertThat(schema.caveat("only_if").parameters()).containsEntry("flag", CaveatType.of(CaveatType.Kind.BOOL));
        assertThat(schema.caveatAst("only_if")).isNotNull();
        assertThat(schema.definition("nope")).isNull();
        assertThat(schema.relation("doc", "nope")).isNull();
        assertThat(schema.relation("nope", "reader")).isNull();
        assertThat(schema.caveat("nope")).isNull();
        assertThat(schema.source()).startsWith("use expiration");
    }

    @Test
    void selfNeedsItsUseFlag() throws Exception {
        ValidatedSchema schema = Schemas.compile("t.zed", "use self\ndefinition user { permission myself = self }");
        assertThat(schema.usesSelf()).isTrue();
        assertThat(schema.relation("user", "myself").rewrite()).isEqualTo(new Rewrite.Self());
        assertThatThrownBy(() -> Schemas.compile("t.zed", "definition user { permission myself = self }"))
                .hasMessageContaining("unknown relation or permission `self`");
    }

    @Test
    void statementsMayEndWithSemicolons() throws Exception {
        ValidatedSchema schema = Schemas.compile(
                "t.zed", "definition user {}\ndefinition doc { relation reader: user; permission view = reader; }");
        assertThat(schema.definition("doc").relations()).containsOnlyKeys("reader", "view");
    }

    @Test
    void recursionThroughAnArrowOnTheSameTypeIsLegal() throws Exception {
        ValidatedSchema schema = Schemas.compile("t.zed", """
                definition folder {
                    relation parent: folder
                    relation owner: folder
                    permission view = owner + parent->view
                }
                """);
        assertThat(schema.relation("folder", "view").isPermission()).isTrue();
    }

    @Test
    void everyErrorOfAFileIsReportedInSourceOrder() {
        assertThatThrownBy(() -> Schemas.compile("t.zed", """
                        definition user {
                            relation viewer user
                            permission view = = viewer
                        }
                        definition doc {
                            relation reader: +
                        }
                        """))
                .isInstanceOfSatisfying(
                        SchemaException.class,
                        e -> assertThat(e.diagnostics())
                                .extracting(d -> d.position().line())
                                .containsExactly(2, 3, 6));
    }

    @Test
    void typeAnnotationsOnPermissionsParseButAreNotSupportedYet() throws Exception {
        String text = "use typechecking\ndefinition user {}\ndefinition doc {\n relation viewer: user\n"
                + " permission view: user = viewer\n}";
        Schemas.checkSyntax("t.zed", text);
        assertThatThrownBy(() -> Schemas.compile("t.zed", text)).hasMessageContaining("not supported yet");
    }

    @Test
    void syntaxOnlyCheckLeavesNamesUnresolvedAndCelToTheFullCheck() throws Exception {
        Schemas.checkSyntax("t.zed", "definition doc { relation reader: nowhere#nothing\n permission view = missing }");
        Schemas.checkSyntax("t.zed", "caveat c(a int) { a == == 1 }");
        assertThatThrownBy(() -> Schemas.compile("t.zed", "caveat c(a int) { a == == 1 }"))
                .hasMessageStartingWith("t.zed:1:");
    }

    @Test
    void expirationIsAKeywordOnlyAfterItsUseFlag() throws Exception {
        Schemas.compile("t.zed", "caveat expiration(expiration int) { expiration > 1 }");
        assertThatThrownBy(() -> Schemas.compile("t.zed", "use expiration\ncaveat expiration(a int) { a > 1 }"))
                .hasMessageContaining("`expiration` is a keyword");
    }

    @Test
    void windowsLineEndingsReadLikeUnixOnes() throws Exception {
        String unix =
                "/** people */\ndefinition user {}\ncaveat weekday(day string) {\n  day != 'sunday' &&\n  day != 'saturday'\n}\n"
                        + "definition doc {\n  relation reader: user with weekday\n  permission view = reader\n}\n";
        String windows = unix.replace("\n", "\r\n");
        assertThat(Schemas.format("w.zed", windows)).isEqualTo(Schemas.format("u.zed", unix));
        assertThatThrownBy(() -> Schemas.compile("w.zed", windows.replace("reader\r\n}", "missing\r\n}")))
                .hasMessage("w.zed:9:21: unknown relation or permission `missing` in definition `doc`\n"
                        + "  permission view = missing\n"
                        + "                    ^");
    }
}
