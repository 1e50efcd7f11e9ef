package dev.kith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * kith's rooms ({@link Rooms}) hold on the product's classes, and each rule fails when broken: the fixture under
 * {@code dev.kith.cli.archfixture} breaks every one of them on purpose (an engine class that uses the command
 * line, a cycle between two packages, a server class that uses picocli and PostgreSQL, an engine class that
 * reads YAML and speaks HTTP).
 */
class ArchitectureTest {
    private static JavaClasses product;

    /** Only the modules' main classes: no test classes, no test jars (such as a store's test fixtures). */
    private static final ImportOption MAIN_CLASSES_ONLY =
            location -> !location.contains("/test-classes/") && !location.contains("-tests.jar");

    @BeforeAll
    static void importProduct() {
        product = new ClassFileImporter()
                .withImportOption(MAIN_CLASSES_ONLY)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.kith");
    }

    @Test
    void theProductHasEveryModule() {
        for (String pkg : new String[] {
            "dev.kith.schema",
            "dev.kith.engine",
            "dev.kith.storage.postgres",
            "dev.kith.api.server",
            "dev.kith.client",
            "dev.kith.embedded",
            "dev.kith.junit",
            "dev.kith.vertx",
            "dev.kith.spring",
            "dev.kith.validation",
            "dev.kith.cli"
        }) {
            assertThat(product.containPackage(pkg)).as(pkg).isTrue();
        }
        assertThat(product.stream().map(c -> c.getPackageName()))
                .as("no harness or fixture is product")
                .noneMatch(p -> p.startsWith("dev.kith.conformance") || p.startsWith("dev.kith.cli.archfixture"));
    }

    @Test
    void dependenciesPointOneWay() {
        Rooms.dependenciesPointOneWay("dev.kith").check(product);
    }

    @Test
    void noPackageCycles() {
        Rooms.noPackageCycles("dev.kith").check(product);
    }

    @Test
    void theServerKnowsNoCommandLineOrDatabase() {
        Rooms.serverKnowsNoCommandLineOrDatabase("dev.kith").check(product);
    }

    @Test
    void theEngineKnowsNoYamlOrHttp() {
        Rooms.engineKnowsNoYamlOrHttp("dev.kith").check(product);
    }

    @Test
    void everyRuleFailsOnTheFixtureThatBreaksIt() {
        JavaClasses fixture = new ClassFileImporter().importPackages("dev.kith.cli.archfixture");
        assertThat(fixture).isNotEmpty();
        for (ArchRule rule : Rooms.all("dev.kith.cli.archfixture")) {
            EvaluationResult result = rule.evaluate(fixture);
            assertThat(result.hasViolation()).as(rule.getDescription()).isTrue();
        }
        assertThat(Rooms.dependenciesPointOneWay("dev.kith.cli.archfixture")
                        .evaluate(fixture)
                        .getFailureReport()
                        .toString())
                .contains("archfixture.engine.LeakyEngine")
                .contains("archfixture.cli.Wiring");
    }
}
