package dev.kith.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;
import java.util.List;

/**
 * The rooms of kith and the arrows between them, as ArchUnit rules over the packages under {@code root}: each
 * module owns one package tree ({@code schema}, {@code engine}, {@code proto}, {@code storage}, {@code api}, {@code client},
 * {@code embedded}, {@code junit}, {@code validation}, {@code cli}, {@code vertx}, {@code spring} and the example
 * applications' {@code examples}; the last few are on {@code cli}'s test class path for these rules), so a dependency between packages is a dependency between
 * modules. The
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
                .layer("embedded")
                .definedBy(root + ".embedded..")
                .layer("junit")
                .definedBy(root + ".junit..")
                .layer("validation")
                .definedBy(root + ".validation..")
                .layer("cli")
                .definedBy(root + ".cli..")
                .layer("vertx-web")
                .definedBy(root + ".vertx..")
                .layer("spring-security")
                .definedBy(root + ".spring..")
                .layer("examples")
                .definedBy(root + ".examples..")
                .whereLayer("cli")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("examples")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("vertx-web")
                .mayOnlyBeAccessedByLayers("examples")
                .whereLayer("spring-security")
                .mayOnlyBeAccessedByLayers("examples")
                .whereLayer("api")
                .mayOnlyBeAccessedByLayers("junit", "cli", "examples")
                .whereLayer("storage-postgres")
                .mayOnlyBeAccessedByLayers("cli")
                .whereLayer("junit")
                .mayOnlyBeAccessedByLayers("examples")
                .whereLayer("embedded")
                .mayOnlyBeAccessedByLayers("junit", "examples")
                .whereLayer("client")
                .mayOnlyBeAccessedByLayers("embedded", "junit", "cli", "vertx-web", "spring-security", "examples")
                .whereLayer("proto")
                .mayOnlyBeAccessedByLayers(
                        "api", "client", "embedded", "junit", "cli", "vertx-web", "spring-security", "examples")
                .whereLayer("validation")
                .mayOnlyBeAccessedByLayers("junit", "cli", "examples")
                .whereLayer("engine")
                .mayOnlyBeAccessedByLayers(
                        "storage-postgres", "api", "validation", "embedded", "junit", "cli", "examples")
                .whereLayer("schema-dsl")
                .mayOnlyBeAccessedByLayers(
                        "engine", "storage-postgres", "api", "validation", "embedded", "junit", "cli", "examples");
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
