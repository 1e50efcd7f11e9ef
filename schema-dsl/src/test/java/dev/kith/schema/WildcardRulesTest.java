package dev.kith.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Where a wildcard may be reached, as SpiceDB's schema rules say (with its wording): never through a subject set of
 * another type, and never on the left side of an arrow, directly or through subject sets.
 */
class WildcardRulesTest {

    private static String message(String schema) {
        try {
            Schemas.compile("w.zed", schema);
        } catch (SchemaException e) {
            return e.diagnostics().getFirst().message();
        }
        throw new AssertionError("the schema was accepted:\n" + schema);
    }

    @Test
    void aSubjectSetOfAnotherTypeThatAllowsAWildcardIsRefused() {
        assertThat(message("""
                        definition user {}
                        definition tyb {
                            relation rel_b: user:*
                        }
                        definition tya {
                            relation rel_a: user | tyb#rel_b
                        }
                        """))
                .isEqualTo("for relation `rel_a`: relation/permission `tyb#rel_b` includes wildcard type `user` via"
                        + " relation `tyb#rel_b`: wildcard relations cannot be transitively included");
    }

    @Test
    void theWildcardIsFoundThroughFurtherSubjectSetsAndNamed() {
        assertThat(message("""
                        definition user {}
                        definition tyc {
                            relation rel_z: user | user:*
                        }
                        definition tyb {
                            relation rel_b: user | tyc#rel_z
                        }
                        definition tya {
                            relation rel_a: user | tyb#rel_b
                        }
                        """))
                .startsWith("for relation `rel_b`: relation/permission `tyc#rel_z` includes wildcard type `user` via"
                        + " relation `tyc#rel_z`");
    }

    @Test
    void permissionsAndSubjectSetsOfTheSameTypeAreNotFollowedAsInSpiceDb() {
        assertThatCode(() -> Schemas.compile("w.zed", """
                        definition user {}
                        definition tyb {
                            relation rel_x: user:*
                            permission rel_b = rel_x
                        }
                        definition tya {
                            relation rel_a: user | tyb#rel_b
                            relation rel_c: user:* | tya#rel_c
                            relation rel_d: tya#rel_c
                        }
                        """)).doesNotThrowAnyException();
    }

    @Test
    void anArrowOverARelationReachingAWildcardThroughASubjectSetIsRefused() {
        assertThat(message("""
                        definition user {}
                        definition tya {
                            relation rel_a: user
                            relation rel_c: user | tya:*
                            relation rel_d: tya#rel_c
                            permission perm_a = rel_d->rel_a
                        }
                        """))
                .isEqualTo("for arrow under permission `perm_a`: relation `tya#rel_d` includes wildcard type `tya`"
                        + " via relation `tya#rel_c`: wildcard relations cannot be used on the left side of arrows");
    }

    @Test
    void anArrowOverARelationAllowingAWildcardIsRefused() {
        assertThat(message("""
                        definition user {}
                        definition tya {
                            relation rel_a: user
                            relation rel_c: user | tya:*
                            permission perm_a = rel_c->rel_a
                        }
                        """))
                .isEqualTo("for arrow under permission `perm_a`: relation `tya#rel_c` includes wildcard type `tya`"
                        + " via relation `tya#rel_c`: wildcard relations cannot be used on the left side of arrows");
    }

    @Test
    void useTransitiveWildcardsLiftsTheSubjectSetRuleButNotTheArrowRule() throws Exception {
        String schema = """
                use transitive_wildcards

                definition user {}
                definition tyb {
                    relation rel_b: user:*
                }
                definition tya {
                    relation rel_a: user | tyb#rel_b
                }
                """;
        ValidatedSchema compiled = Schemas.compile("w.zed", schema);
        assertThat(Schemas.format(compiled)).contains("use transitive_wildcards");
        assertThatThrownBy(() -> Schemas.compile("w.zed", """
                        use transitive_wildcards

                        definition user {}
                        definition tya {
                            relation rel_a: user
                            relation rel_c: user | tya:*
                            permission perm_a = rel_c->rel_a
                        }
                        """))
                .isInstanceOf(SchemaException.class)
                .hasMessageContaining("wildcard relations cannot be used on the left side of arrows");
    }

    @Test
    void aLongChainOfSubjectSetsIsSearchedWithoutExhaustingTheStack() {
        StringBuilder b = new StringBuilder("definition user {}\n");
        b.append("definition typ0 {\n    relation rel: user:*\n}\n");
        for (int i = 1; i < 1500; i++) {
            b.append("definition typ")
                    .append(i)
                    .append(" {\n    relation rel: typ")
                    .append(i - 1)
                    .append("#rel\n}\n");
        }
        assertThatThrownBy(() -> Schemas.compile("w.zed", b.toString()))
                .isInstanceOf(SchemaException.class)
                .hasMessageContaining("wildcard relations cannot be transitively included");
    }

    @Test
    void syntaxOnlyLeavesCaveatExpressionsToTheCelCompiler() {
        String schema = """
                caveat optional_field(attrs map<any>) {
                    attrs.?tier.orValue("free") == "pro"
                }
                definition user {}
                """;
        assertThatCode(() -> Schemas.checkSyntax("w.zed", schema)).doesNotThrowAnyException();
        assertThatThrownBy(() -> Schemas.checkSyntax("w.zed", "caveat c(a int) {\n    a == (1\n"))
                .isInstanceOf(SchemaException.class);
        // read with the schema language's tokens, as SpiceDB's parser does: a backtick starts none
        assertThatThrownBy(() -> Schemas.checkSyntax("w.zed", "caveat cav(a int) {\n    a == 42 `\n}\n"))
                .isInstanceOf(SchemaException.class)
                .hasMessageStartingWith("w.zed:2:")
                .hasMessageContaining("unexpected character '`' in the expression of caveat `cav`");
        // the full check reads the body the same way before CEL sees it, and names the same place
        assertThatThrownBy(() -> Schemas.compile("w.zed", "caveat cav(a int) {\n    a == /* ` */ 42 `\n}\n"))
                .isInstanceOf(SchemaException.class)
                .hasMessageStartingWith("w.zed:2:")
                .hasMessageContaining("unexpected character '`' in the expression of caveat `cav`");
        assertThatCode(() -> Schemas.checkSyntax("w.zed", "caveat cav(a string) {\n    a == \"`{}\" // `\n}\n"))
                .doesNotThrowAnyException();
    }
}
