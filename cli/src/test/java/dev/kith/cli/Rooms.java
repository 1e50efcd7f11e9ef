package dev.kith.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;
import java.util.List;

/**
 * The rooms of kith and the arrows between them, as ArchUnit rules over the packages under {@code root}: each
 * module owns one package tree ({@code schema}, {@code engine}, {@code proto}, {@code storage}, {@code api}, {@code client},
 * {@code embedded}, {@code junit}, {@code validation}, {@code cli}), so a dependency between packages is a dependency between modules. The
 * rules take the root as a parameter so that {@link ArchitectureTest} can show each one failing on a fixture.
 */
final class Rooms {
    private Rooms() {}

    /** Who may use whom: the module table of the top-level README. */
    static ArchRule dependenciesPointOneWay(String root) {
        return layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("schema-dsl")
                .definedBy(root + ".schema..")
                .layer("engine")
                .definedBy(root + ".engine..")
                .layer("proto")
                .definedBy(root + ".proto..")
                .layer("storage-postgres")
                .definedBy(root + ".storage..")
                .layer("api")
                .definedBy(root + ".api..")
                .layer("client")
                .definedBy(root + ".client..")
                // optional: the embedded engine and the test extension are not on this module's class path
                .optionalLayer("embedded")
                .definedBy(root + ".embedded..")
                .optionalLayer("junit")
                .definedBy(root + ".junit..")
                .layer("validation")
                .definedBy(root + ".validation..")
                .layer("cli")
                .definedBy(root + ".cli..")
                .whereLayer("cli")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("api")
                .mayOnlyBeAccessedByLayers("cli")
                .whereLayer("storage-postgres")
                .mayOnlyBeAccessedByLayers("cli")
                .whereLayer("junit")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("embedded")
                .mayOnlyBeAccessedByLayers("junit")
                .whereLayer("client")
                .mayOnlyBeAccessedByLayers("embedded", "junit", "cli")
                .whereLayer("proto")
                .mayOnlyBeAccessedByLayers("api", "client", "embedded", "junit", "cli")
                .whereLayer("validation")
                .mayOnlyBeAccessedByLayers("junit", "cli")
                .whereLayer("engine")
                .mayOnlyBeAccessedByLayers("storage-postgres", "api", "validation", "embedded", "junit", "cli")
                .whereLayer("schema-dsl")
                .mayOnlyBeAccessedByLayers(
                        "engine", "storage-postgres", "api", "validation", "embedded", "junit", "cli");
    }

    /** No package of any module is part of a dependency cycle with another package. */
    static ArchRule noPackageCycles(String root) {
        return slices().matching(root + ".(**)").should().beFreeOfCycles();
    }

    /** The network server parses no command lines and talks to no database. */
    static ArchRule serverKnowsNoCommandLineOrDatabase(String root) {
        return noClasses()
                .that()
                .resideInAPackage(root + ".api..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("picocli..", "org.postgresql..", "io.vertx.pgclient..", "io.vertx.sqlclient..")
                .as("the server (api) never touches picocli or PostgreSQL classes");
    }

    /** The engine reads no YAML and speaks no HTTP: those belong to validation and the server. */
    static ArchRule engineKnowsNoYamlOrHttp(String root) {
        return noClasses()
                .that()
                .resideInAPackage(root + ".engine..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "com.fasterxml.jackson.dataformat.yaml..",
                        "org.yaml..",
                        "io.vertx..",
                        "io.netty..",
                        "java.net.http..",
                        "com.sun.net.httpserver..")
                .as("the engine never touches YAML or HTTP");
    }

    static List<ArchRule> all(String root) {
        return List.of(
                dependenciesPointOneWay(root),
                noPackageCycles(root),
                serverKnowsNoCommandLineOrDatabase(root),
                engineKnowsNoYamlOrHttp(root));
    }
}
