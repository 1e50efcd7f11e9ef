package dev.kith.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.client.CheckResult;
import dev.kith.client.Kith;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** The extension on a sample validation file: loading, injection, one kith per class, and the assertions. */
@KithSchema("authz.yaml")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KithExtensionTest {
    private static Kith shared;
    private static Kith fromBeforeAll;

    private Kith kith;

    @BeforeAll
    static void keep(Kith k) {
        fromBeforeAll = k;
    }

    @Test
    @Order(1)
    void theFileIsLoadedAndTheClientInjectedInFieldsAndParameters(Kith parameter) {
        assertThat(kith).isNotNull().isSameAs(parameter).isSameAs(fromBeforeAll);
        KithAssertions.assertThat(kith)
                .allows("user:alice", "edit", "document:plan")
                .allows("user:carol", "view", "document:plan")
                .denies("user:carol", "edit", "document:plan")
                .denies("user:mallory", "view", "document:plan")
                .allowsConditionally("user:bob", "view", "document:plan");
        kith.touch("document:plan#viewer@user:dan");
        shared = kith;
    }

    @Test
    @Order(2)
    void testsOfTheClassShareOneKith() {
        assertThat(kith).isSameAs(shared);
        KithAssertions.assertThat(kith).allows("user:dan", "view", "document:plan");
    }

    @Test
    @Order(3)
    void contextDecidesACaveat() {
        KithAssertions.assertThat(kith)
                .withContext(Map.of("day", "monday"))
                .allows("user:bob", "view", "document:plan")
                .withContext(Map.of("day", "friday"))
                .denies("user:bob", "view", "document:plan");
    }

    @Test
    @Order(4)
    void failuresSayWhatWasAskedAndAnswered() {
        assertThatThrownBy(() -> KithAssertions.assertThat(kith).allows("user:bob", "view", "document:plan"))
                .isInstanceOf(AssertionError.class)
                .hasMessage("expected kith to allow user:bob view on document:plan, but it answered CONDITIONAL"
                        + " (missing context: day)");
        assertThatThrownBy(() -> KithAssertions.assertThat(kith).denies("user:alice", "edit", "document:plan"))
                .hasMessage("expected kith to deny user:alice edit on document:plan, but it answered ALLOWED");
        assertThatThrownBy(() -> KithAssertions.assertThat(kith)
                        .withContext(Map.of("day", "friday"))
                        .allowsConditionally("user:bob", "view", "document:plan"))
                .hasMessage("expected kith to allow conditionally user:bob view on document:plan with context [day],"
                        + " but it answered DENIED");
        assertThat(kith.check("user:alice", "edit", "document:plan")).isEqualTo(CheckResult.ALLOWED);
    }

    @Test
    @Order(5)
    @KithSchema("authz.yaml")
    void aTestWithItsOwnAnnotationGetsAFreshKith(Kith own) {
        assertThat(own).isNotSameAs(shared);
        assertThat(kith).isSameAs(own);
        KithAssertions.assertThat(own).denies("user:dan", "view", "document:plan");
    }

    @Test
    @Order(6)
    void aMissingOrBadFileIsRefusedNamingIt() {
        assertThatThrownBy(() -> KithExtension.load(KithExtensionTest.class, "nope.yaml", "@KithSchema"))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("@KithSchema(\"nope.yaml\"): no such resource on the test class path");
        assertThatThrownBy(() -> KithExtension.start(KithExtensionTest.class, "no-schema.yaml"))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("the file has no schema");
    }
}
