package dev.kith.schema.openfga;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.schema.Diagnostic;
import dev.kith.schema.SchemaException;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The OpenFGA translator: each construct's kith form, the name mapping, and errors at their positions. */
class OpenFgaTest {

    private static final String HEADER = "model\n  schema 1.1\n";

    private static OpenFgaModel translate(String body) {
        try {
            return OpenFga.translate("m.fga", HEADER + body);
        } catch (SchemaException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    private static List<Diagnostic> errors(String text) {
        try {
            OpenFga.translate("m.fga", text);
        } catch (SchemaException e) {
            return e.diagnostics();
        }
        throw new AssertionError("expected the model to be refused:\n" + text);
    }

    /** The first diagnostic as {@code line:column: message}. */
    private static String firstError(String text) {
        Diagnostic d = errors(text).getFirst();
        return d.position().line() + ":" + d.position().column() + ": " + d.message();
    }

    @Nested
    class Constructs {
        @Test
        void directlyRelatedTypesBecomeARelation() {
            OpenFgaModel m = translate("""
                    type user
                    type group
                      relations
                        define member: [user, user:*, group#member, user with weekday]
                    condition weekday(day: string) {
                      day != "sunday"
                    }
                    """);
            assertThat(m.kithSchema())
                    .contains("caveat weekday(day string) {\n    day != \"sunday\"\n}")
                    .contains("relation member: user | user:* | group#member | user with weekday");
            assertThat(m.names().tupleRelation("group", "member")).isEqualTo("member");
            assertThat(m.names().relation("group", "member")).isEqualTo("member");
        }

        @Test
        void directTypesWithARewriteStoreTuplesInTheirOwnRelation() {
            OpenFgaModel m = translate("""
                    type user
                    type document
                      relations
                        define editor: [user]
                        define viewer: [user] or editor
                    """);
            assertThat(m.kithSchema())
                    .contains("relation viewer_direct: user\n    permission viewer = viewer_direct + editor");
            assertThat(m.names().tupleRelation("document", "viewer")).isEqualTo("viewer_direct");
            assertThat(m.names().relation("document", "viewer")).isEqualTo("viewer");
            assertThat(m.names().fgaRelation("viewer")).isEqualTo("viewer");
        }

        @Test
        void aComputedRelationHasNoTupleRelation() {
            OpenFgaModel m = translate("""
                    type user
                    type document
                      relations
                        define editor: [user]
                        define viewer: editor
                    """);
            assertThat(m.kithSchema()).contains("permission viewer = editor");
            assertThat(m.names().tupleRelation("document", "viewer")).isNull();
            assertThat(m.names().relation("document", "nothing")).isNull();
        }

        @Test
        void operatorsAreParenthesisedAndFromIsAnArrow() {
            OpenFgaModel m = translate("""
                    type user
                    type folder
                      relations
                        define viewer: [user]
                    type document
                      relations
                        define parent: [folder]
                        define one: [user]
                        define two: [user]
                        define three: [user]
                        define all: (one and two) or viewer from parent
                        define some: one but not two but not three
                        define mixed: (one or two) but not (two and three)
                    """);
            assertThat(m.kithSchema())
                    .contains("permission all = (one & two) + parent->viewer")
                    .contains("permission some = (one - two) - three")
                    .contains("permission mixed = (one + two) - (two & three)");
        }

        @Test
        void directTypesMayComeFirstInsideLeadingParentheses() {
            OpenFgaModel m = translate("""
                    type user
                    type doc
                      relations
                        define one: [user]
                        define two: ([user] or one) and one
                    """);
            assertThat(m.kithSchema())
                    .contains("relation two_direct: user\n    permission two = (two_direct + one) & one");
        }

        @Test
        void conditionParameterTypesMapToCaveatTypes() {
            OpenFgaModel m = translate("""
                    type user
                    type doc
                      relations
                        define v: [user with cond]
                    condition cond(a: int, b: uint, d: double, e: bool, f: string, g: duration, h: timestamp,
                        i: ipaddress, j: list<string>, k: map<int>, l: any) {
                      a > 0
                    }
                    """);
            assertThat(m.kithSchema())
                    .contains("caveat cond(a int, b uint, d double, e bool, f string, g duration, h timestamp,"
                            + " i ipaddress, j list<string>, k map<int>, l any)");
        }

        @Test
        void namesKithDoesNotAllowAreRenamedWithoutClashing() {
            OpenFgaModel m = translate("""
                    type user
                    type directs-user
                      relations
                        define a1: [user]
                        define r_a1: [user]
                        define relation: [user]
                        define v: a1 or r_a1 or relation
                    """);
            assertThat(m.names().type("directs-user")).isEqualTo("directs_user");
            assertThat(m.names().relation("directs-user", "r_a1")).isEqualTo("r_a1");
            assertThat(m.names().relation("directs-user", "a1")).isEqualTo("r_a1_2");
            assertThat(m.names().relation("directs-user", "relation")).isEqualTo("r_relation");
            assertThat(m.names().fgaType("directs_user")).isEqualTo("directs-user");
            assertThat(m.kithSchema()).contains("permission r_v = r_a1_2 + r_a1 + r_relation");
        }

        @Test
        void commentsAndBlankLinesAreSkipped() {
            OpenFgaModel m = translate("""
                    # a comment
                    type user   # trailing

                    type group
                      relations
                        define member: [user, group#member] # members and nested groups
                    """);
            assertThat(m.kithSchema()).contains("relation member: user | group#member");
        }
    }

    @Nested
    class Errors {
        @Test
        void mixingOperatorsWithoutParenthesesIsAnError() {
            assertThat(firstError(HEADER + """
                    type user
                      relations
                        define a: [user]
                        define b: [user]
                        define c: a or b and a
                    """))
                    .startsWith("7:22: `and` cannot follow a different operator without parentheses");
        }

        @Test
        void directTypesOnlyComeFirst() {
            assertThat(firstError(HEADER + """
                    type user
                      relations
                        define a: [user]
                        define b: a or [user]
                    """))
                    .startsWith("6:20: the directly related types `[…]` may only come first");
        }

        @Test
        void theParserReportsEveryBadLine() {
            List<Diagnostic> errors = errors(HEADER + """
                    type user
                      relations
                        define a [user]
                        define b: but not a
                    """);
            assertThat(errors).hasSize(2);
            assertThat(errors.get(0).position().line()).isEqualTo(5);
            assertThat(errors.get(0).message()).contains("expected ':'");
            assertThat(errors.get(1).position().line()).isEqualTo(6);
            assertThat(errors.get(1).message()).contains("found the operator 'but'");
        }

        @Test
        void unknownNamesArePlaced() {
            assertThat(firstError(HEADER + "type doc\n  relations\n    define v: [person]\n"))
                    .isEqualTo("5:16: `person` is not a valid type");
            assertThat(firstError(HEADER + "type doc\n  relations\n    define v: w\n"))
                    .isEqualTo("5:15: the relation `w` does not exist");
            assertThat(firstError(HEADER + "type user\ntype doc\n  relations\n    define v: [user with c]\n"))
                    .isEqualTo("6:26: `c` is not a defined condition in the model");
        }

        @Test
        void tuplesetsHoldDirectTypesOnly() {
            assertThat(firstError(HEADER + """
                    type user
                    type doc
                      relations
                        define owner: [user]
                        define parent: owner
                        define v: owner from parent
                    """))
                    .startsWith("8:26: `parent` relation used inside from allows only direct relation");
        }

        @Test
        void everyRelationNeedsAnEntrypoint() {
            assertThat(firstError(HEADER + """
                    type user
                    type doc
                      relations
                        define parent: [doc]
                        define v: v from parent
                    """)).startsWith("7:12: `v` is an impossible relation for `doc`");
        }

        @Test
        void unusedConditionsAndDuplicatesAreErrors() {
            assertThat(firstError(HEADER + "type user\ncondition c(x: int) {\n  x > 1\n}\n"))
                    .isEqualTo("4:11: `c` condition is not used in the model");
            assertThat(firstError(HEADER + "type user\ntype user\n")).isEqualTo("4:6: the type `user` is a duplicate");
            assertThat(firstError(HEADER + "type user\ntype doc\n  relations\n    define v: [user, user]\n"))
                    .startsWith("6:22: the type restriction `user` is a duplicate");
        }

        @Test
        void unsupportedParameterTypesAreNamed() {
            assertThat(firstError(HEADER + """
                    type user
                    type doc
                      relations
                        define v: [user with c]
                    condition c(x: map<list>) {
                      true
                    }
                    """))
                    .isEqualTo("7:20: unsupported element type `list` of `map`: one of bool, string, int, uint,"
                            + " double, duration, timestamp, ipaddress, any");
        }

        @Test
        void modularModelsAreRefusedAsUnsupported() {
            assertThat(firstError("module core\n\ntype user\n"))
                    .isEqualTo("1:1: modular models (`module`, fga.mod) are not supported by kith");
            assertThat(firstError(HEADER + "extend type user\n"))
                    .startsWith("3:1: `extend type` belongs to modular models");
            assertThat(firstError("model\n  schema 1.2\ntype user\n"))
                    .startsWith("2:10: schema 1.2 (modular models, fga.mod) is not supported by kith");
            assertThat(firstError("type user\n")).startsWith("1:1: a model starts with `model` and `schema 1.1`");
        }

        @Test
        void aProblemKithFindsIsReportedAtTheOpenFgaLine() {
            Diagnostic d = errors(HEADER + """
                    type user
                    type doc
                      relations
                        define admin: [user]
                        define x: admin or y
                        define y: admin or x
                    """).getFirst();
            assertThat(d.position().line()).isEqualTo(7);
            assertThat(d.message()).contains("defined in terms of itself").contains("in the kith translation");
            assertThat(d.sourceLine()).isEqualTo("    define x: admin or y");
        }

        @Test
        void aCelErrorIsReportedAtItsOpenFgaLineAndColumn() {
            String model = HEADER + """
                    type user
                      relations
                        define abc: [user with cond]
                    condition cond(x: int) {

                      x > 1 &&
                        y
                    }
                    """;
            Diagnostic d = errors(model).getFirst();
            assertThat(d.message()).contains("undeclared reference to 'y'");
            assertThat(d.position().line()).isEqualTo(9);
            assertThat(d.position().column()).isEqualTo(5);
            assertThat(d.sourceLine()).isEqualTo("    y");

            Diagnostic inline = errors(HEADER + """
                    type user
                      relations
                        define abc: [user with cond]
                    condition cond(x: int) { x > "a" }
                    """).getFirst();
            assertThat(inline.message()).contains("no matching overload");
            assertThat(inline.position().line()).isEqualTo(6);
            assertThat(inline.position().column()).isEqualTo(28);
        }
    }
}
