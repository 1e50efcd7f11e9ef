package dev.kith.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.schema.SchemaChanges.Change;
import dev.kith.schema.SchemaChanges.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reflection, dependencies and diffs over compiled schemas. The schemas and expected answers of the dependency
 * cases are those of SpiceDB's own service tests (TestDependentRelations, TestComputablePermissions), so a
 * difference from SpiceDB's walk shows here first.
 */
class SchemaReflectionTest {

    private static ValidatedSchema compile(String text) {
        try {
            return Schemas.compile("t.zed", text);
        } catch (SchemaException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    private static List<String> names(List<SchemaReflection.RelationRef> refs) {
        return refs.stream()
                .map(r -> r.definition() + "#" + r.relation() + (r.permission() ? " (permission)" : ""))
                .toList();
    }

    private static final String NESTED = """
            definition user {}
            definition group {
                relation direct_member: user | group#member
                relation admin: user
                permission member = direct_member + admin
            }
            definition document {
                relation unused: user
                relation viewer: user | group#member
                permission view = viewer
            }
            """;

    private static final String ARROW = """
            definition user {}
            definition folder {
                relation alsounused: user
                relation viewer: user
                permission view = viewer
            }
            definition document {
                relation unused: user
                relation parent: folder
                relation viewer: user
                permission view = viewer + parent->view
                permission empty = nil
            }
            """;

    @Test
    void dependentRelationsFollowSubjectSetsAndArrows() {
        assertThat(names(SchemaReflection.dependentRelations(compile(NESTED), "document", "view")))
                .containsExactly("document#viewer", "group#admin", "group#direct_member", "group#member (permission)");
        assertThat(names(SchemaReflection.dependentRelations(compile(ARROW), "document", "view")))
                .containsExactly("document#parent", "document#viewer", "folder#view (permission)", "folder#viewer");
        assertThat(SchemaReflection.dependentRelations(compile(ARROW), "document", "empty"))
                .isEmpty();
    }

    @Test
    void dependentRelationsCountBothSidesOfAnExclusionAndAnIntersection() {
        ValidatedSchema s = compile("""
                definition user {}
                definition document {
                    relation viewer: user
                    relation banned: user
                    relation owner: user
                    permission view = (viewer & owner) - banned
                }
                """);
        assertThat(names(SchemaReflection.dependentRelations(s, "document", "view")))
                .containsExactly("document#banned", "document#owner", "document#viewer");
    }

    @Test
    void computablePermissionsOfATypeAndOfARelation() {
        ValidatedSchema basic = compile("""
                definition user {}
                definition document {
                    relation unused: user
                    relation editor: user
                    relation viewer: user
                    permission view = viewer + editor
                    permission only_view = viewer
                    permission another = unused
                }
                """);
        assertThat(names(SchemaReflection.computablePermissions(basic, "user", "", "")))
                .containsExactly(
                        "document#another (permission)",
                        "document#editor",
                        "document#only_view (permission)",
                        "document#unused",
                        "document#view (permission)",
                        "document#viewer");
        assertThat(names(SchemaReflection.computablePermissions(basic, "document", "viewer", "")))
                .containsExactly("document#only_view (permission)", "document#view (permission)");
        assertThat(names(SchemaReflection.computablePermissions(basic, "user", "", "folder")))
                .isEmpty();
        assertThat(names(SchemaReflection.computablePermissions(compile(ARROW), "folder", "viewer", "")))
                .containsExactly("document#view (permission)", "folder#view (permission)");
        assertThat(names(SchemaReflection.computablePermissions(compile(NESTED), "group", "admin", "")))
                .containsExactly(
                        "document#view (permission)",
                        "document#viewer",
                        "group#direct_member",
                        "group#member (permission)");
    }

    @Test
    void theWalkPollsSoADeadlineCanStopIt() {
        int[] polls = {0};
        Runnable stopAtThree = () -> {
            if (++polls[0] == 3) throw new IllegalStateException("stopped");
        };
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> SchemaReflection.computablePermissions(compile(NESTED), "user", "", "", stopAtThree))
                .hasMessage("stopped");
        polls[0] = 0;
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> SchemaReflection.dependentRelations(compile(NESTED), "document", "view", stopAtThree))
                .hasMessage("stopped");
    }

    @Test
    void aWildcardFeedsEverySubjectOfItsType() {
        ValidatedSchema s = compile("""
                definition user {}
                definition document {
                    relation viewer: user:*
                    permission view = viewer
                }
                """);
        assertThat(names(SchemaReflection.computablePermissions(s, "user", "", "")))
                .containsExactly("document#view (permission)", "document#viewer");
    }

    @Test
    void commentsAreEveryCommentBeforeTheItemWithTrimmedLines() {
        ValidatedSchema s = compile("""
                // this is a user
                definition user {}

                /**
                 * a document
                 */
                definition document {
                    // editor is a relation
                    relation editor: user // not the viewer's
                    relation viewer: user
                    /** read */
                    // all the things
                    permission read = viewer + editor
                }

                /** somecaveat is a caveat */
                caveat somecaveat(first int, second string) {
                    first == 1 && second == 'two'
                }
                """);
        var comments = SchemaReflection.comments(s);
        assertThat(comments)
                .containsEntry("definition user", "// this is a user")
                .containsEntry("definition document", "/**\n* a document\n*/")
                .containsEntry("definition document#editor", "// editor is a relation")
                .containsEntry("definition document#read", "/** read */\n// all the things")
                .containsEntry("caveat somecaveat", "/** somecaveat is a caveat */")
                .doesNotContainKey("definition document#viewer");
        assertThat(SchemaReflection.expression(s, "somecaveat")).isEqualTo("first == 1 && second == \"two\"");
    }

    @Test
    void membersSharingALineEachGetTheirOwnComments() {
        ValidatedSchema s = compile("""
                definition user {}
                definition document {
                    // who
                    relation viewer: user; relation editor: user
                    /** view */
                    permission view = viewer
                }
                """);
        assertThat(SchemaReflection.comments(s))
                .containsOnly(
                        org.assertj.core.api.Assertions.entry("definition document#viewer", "// who"),
                        org.assertj.core.api.Assertions.entry("definition document#view", "/** view */"));
    }

    @Test
    void diffListsEachChangeInOrder() {
        ValidatedSchema before = compile("""
                definition user {}
                definition team {}
                definition document {
                    relation viewer: user
                    relation editor: user
                    permission view = viewer
                    permission edit = editor
                }
                caveat cav(a int, b string) { a > 1 }
                caveat gone(a int) { a > 1 }
                """);
        ValidatedSchema after = compile("""
                definition user {}
                /** docs */
                definition document {
                    relation viewer: user | user:*
                    relation owner: user
                    /** view */
                    permission view = viewer + owner
                }
                definition group {}
                caveat cav(a uint, d bool) { a > 2u && d }
                """);
        List<Change> changes = SchemaChanges.between(before, after);
        assertThat(changes.stream()
                        .map(c -> c.kind() + " " + (c.definition() != null ? c.definition() : c.caveat())
                                + (c.member() != null ? "#" + c.member() : "")
                                + (c.parameter() != null ? "(" + c.parameter() + ")" : ""))
                        .toList())
                .containsExactly(
                        "DEFINITION_ADDED group",
                        "DEFINITION_REMOVED team",
                        "CAVEAT_REMOVED gone",
                        "DEFINITION_DOC_COMMENT_CHANGED document",
                        "RELATION_REMOVED document#editor",
                        "RELATION_ADDED document#owner",
                        "PERMISSION_REMOVED document#edit",
                        "PERMISSION_EXPR_CHANGED document#view",
                        "PERMISSION_DOC_COMMENT_CHANGED document#view",
                        "RELATION_SUBJECT_TYPE_ADDED document#viewer",
                        "CAVEAT_PARAMETER_REMOVED cav(b)",
                        "CAVEAT_PARAMETER_ADDED cav(d)",
                        "CAVEAT_PARAMETER_TYPE_CHANGED cav(a)",
                        "CAVEAT_EXPR_CHANGED cav");
        assertThat(SchemaChanges.between(before, before)).isEmpty();
        assertThat(SchemaChanges.between(null, before).stream()
                        .map(Change::kind)
                        .distinct())
                .containsExactly(Kind.DEFINITION_ADDED, Kind.CAVEAT_ADDED);
    }
}
