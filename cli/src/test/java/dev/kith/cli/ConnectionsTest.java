package dev.kith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.api.server.KithServer;
import dev.kith.api.server.ServerConfig;
import dev.kith.cli.remote.Contexts;
import dev.kith.engine.Engine;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.runtime.Engines;
import io.vertx.core.net.SelfSignedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the client commands reach a server: named contexts saved and used, TLS with a private CA over gRPC and HTTPS,
 * an unreachable server (exit status 4), usage errors (exit status 1), help examples and shell completion.
 */
class ConnectionsTest {
    static final String KEY = "connections-key";
    static final String SCHEMA = """
            definition user {}
            definition document {
                relation viewer: user
                permission view = viewer
            }
            """;

    @TempDir
    Path tmp;

    private static Engine engine() {
        Engine engine = Engines.inMemory(EngineOptions.defaults());
        engine.writeSchema(SCHEMA);
        engine.importBulk(List.of(dev.kith.engine.Relationship.parse("document:readme#viewer@user:ann"))
                .iterator());
        return engine;
    }

    @Test
    void contextsAreSavedOwnerOnlyAndUsedWhenNoEndpointIsGiven() throws Exception {
        Path dir = tmp.resolve("config");
        try (Engine engine = engine()) {
            KithServer server = KithServer.start(
                            engine, ServerConfig.loopback(List.of(KEY)).withGrpcPort(0))
                    .await(30, TimeUnit.SECONDS);
            try {
                String config = dir.toString();
                KithCli.Run set = KithCli.run(
                        "context",
                        "set",
                        "dev",
                        "127.0.0.1:" + server.grpcPort(),
                        KEY,
                        "--insecure",
                        "--config-dir",
                        config);
                assertThat(set.status()).as(set.err()).isZero();
                assertThat(set.out()).contains("saved context `dev` (current)");
                Path file = dir.resolve(Contexts.FILE_NAME);
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                        .isEqualTo("rw-------");
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
                        .isEqualTo("rwx------");

                KithCli.Run check = KithCli.run(
                        "permission", "check", "document:readme", "view", "user:ann", "--config-dir", config);
                assertThat(check.status()).as(check.err()).isZero();
                assertThat(check.out().strip()).isEqualTo("true");

                KithCli.Run web = KithCli.run(
                        "context", "set", "web", "http://127.0.0.1:" + server.port(), KEY, "--config-dir", config);
                assertThat(web.out()).contains("saved context `web`").doesNotContain("(current)");
                KithCli.Run list = KithCli.run("context", "list", "--config-dir", config);
                assertThat(list.out().lines())
                        .containsExactly(
                                "* dev  127.0.0.1:" + server.grpcPort() + "  token conn****  insecure",
                                "  web  http://127.0.0.1:" + server.port() + "  token conn****");
                assertThat(list.out()).doesNotContain(KEY);
                assertThat(KithCli.run("context", "list", "--reveal-tokens", "--config-dir", config)
                                .out())
                        .contains(KEY);

                assertThat(KithCli.run("context", "use", "web", "--config-dir", config)
                                .status())
                        .isZero();
                KithCli.Run overHttp = KithCli.run(
                        "permission", "check", "document:readme", "view", "user:bob", "--config-dir", config);
                assertThat(overHttp.status()).as(overHttp.err()).isEqualTo(2);
                // a flag overrides the context's setting: a wrong token is refused
                KithCli.Run wrongKey = KithCli.run(
                        "permission",
                        "check",
                        "document:readme",
                        "view",
                        "user:ann",
                        "--token",
                        "nope",
                        "--config-dir",
                        config);
                assertThat(wrongKey.status()).isEqualTo(1);
                assertThat(wrongKey.err()).contains("PERMISSION_DENIED");

                KithCli.Run unknown = KithCli.run("context", "use", "nosuch", "--config-dir", config);
                assertThat(unknown.status()).isEqualTo(1);
                assertThat(unknown.err()).contains("no context named `nosuch`");
                assertThat(KithCli.run("context", "remove", "web", "--config-dir", config)
                                .status())
                        .isZero();
                assertThat(KithCli.run("context", "list", "--config-dir", config)
                                .out()
                                .lines())
                        .containsExactly("  dev  127.0.0.1:" + server.grpcPort() + "  token conn****  insecure");
                KithCli.Run badEndpoint =
                        KithCli.run("context", "set", "x", "grpc://host", KEY, "--config-dir", config);
                assertThat(badEndpoint.status()).isEqualTo(1);
                assertThat(badEndpoint.err()).contains("ENDPOINT").contains("host:port");
            } finally {
                server.close();
            }
        }
    }

    @Test
    void tlsWithAPrivateCaOverGrpcAndHttps() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
        try (Engine engine = engine()) {
            ServerConfig config = ServerConfig.builder()
                    .presharedKeys(List.of(KEY))
                    .tls(Path.of(cert.certificatePath()), Path.of(cert.privateKeyPath()))
                    .grpcPort(0)
                    .build();
            KithServer server = KithServer.start(engine, config).await(30, TimeUnit.SECONDS);
            try {
                for (String endpoint :
                        List.of("localhost:" + server.grpcPort(), "https://localhost:" + server.port())) {
                    KithCli.Run trusted = KithCli.run(
                            "permission",
                            "check",
                            "document:readme",
                            "view",
                            "user:ann",
                            "--endpoint",
                            endpoint,
                            "--token",
                            KEY,
                            "--certificate-path",
                            cert.certificatePath());
                    assertThat(trusted.status())
                            .as(endpoint + ": " + trusted.err())
                            .isZero();
                    assertThat(trusted.out().strip()).isEqualTo("true");

                    KithCli.Run untrusted = KithCli.run(
                            "permission",
                            "check",
                            "document:readme",
                            "view",
                            "user:ann",
                            "--endpoint",
                            endpoint,
                            "--token",
                            KEY,
                            "--request-timeout",
                            "5s");
                    assertThat(untrusted.status())
                            .as(endpoint + ": " + untrusted.err())
                            .isEqualTo(4);
                }
                KithCli.Run notPem = KithCli.run(
                        "schema",
                        "read",
                        "--endpoint",
                        "localhost:" + server.grpcPort(),
                        "--certificate-path",
                        KithCli.file(tmp, "junk.pem", "not a certificate").toString());
                assertThat(notPem.status()).as(notPem.err()).isEqualTo(1);
                assertThat(notPem.err()).contains("--certificate-path").contains("PEM");
            } finally {
                server.close();
            }
        } finally {
            cert.delete();
        }
    }

    @Test
    void anUnreachableServerIsExitStatusFour() throws Exception {
        int port = ServeProcess.freePort();
        KithCli.Run grpc = KithCli.run(
                "permission",
                "check",
                "document:readme",
                "view",
                "user:ann",
                "--endpoint",
                "127.0.0.1:" + port,
                "--insecure");
        assertThat(grpc.status()).isEqualTo(4);
        assertThat(grpc.err()).startsWith("kith: UNAVAILABLE: cannot reach 127.0.0.1:" + port);
        KithCli.Run http = KithCli.run("relationship", "read", "document", "--endpoint", "http://127.0.0.1:" + port);
        assertThat(http.status()).isEqualTo(4);
        assertThat(http.err()).contains("cannot reach http://127.0.0.1:" + port);
        KithCli.Run legacy =
                KithCli.run("check", "document:readme#view@user:ann", "--endpoint", "http://127.0.0.1:" + port);
        assertThat(legacy.status()).isEqualTo(4);
        KithCli.Run watch =
                KithCli.run("watch", "--endpoint", "127.0.0.1:" + port, "--insecure", "--reconnect-for", "1s");
        assertThat(watch.status()).isEqualTo(4);
        assertThat(watch.err()).contains("reconnecting");
    }

    @Test
    void watchResumesFromItsLastTokenAfterTheServerRestarts() throws Exception {
        try (Engine engine = engine()) {
            ServerConfig config = ServerConfig.builder()
                    .presharedKeys(List.of(KEY))
                    .port(ServeProcess.freePort())
                    .grpcPort(ServeProcess.freePort())
                    .build();
            KithServer first = KithServer.start(engine, config).await(30, TimeUnit.SECONDS);
            String start = first.token(
                    engine.importBulk(List.of(dev.kith.engine.Relationship.parse("document:w0#viewer@user:ann"))
                            .iterator()));
            java.io.StringWriter out = new java.io.StringWriter();
            java.io.StringWriter err = new java.io.StringWriter();
            picocli.CommandLine line = Main.commandLine();
            line.setOut(new java.io.PrintWriter(out, true));
            line.setErr(new java.io.PrintWriter(err, true));
            java.util.concurrent.CompletableFuture<Integer> watch =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> line.execute(
                            "watch",
                            "--endpoint",
                            "127.0.0.1:" + config.grpcPort(),
                            "--insecure",
                            "--token",
                            KEY,
                            "--revision",
                            start,
                            "--max-changes",
                            "2"));
            engine.importBulk(List.of(dev.kith.engine.Relationship.parse("document:w1#viewer@user:ann"))
                    .iterator());
            dev.kith.engine.Await.until(
                    "the first change to be printed",
                    () -> out.toString().contains("document:w1"),
                    java.time.Duration.ofSeconds(20));
            first.close();
            // written while the server is down: the watch must print it after reconnecting, from its last token
            engine.importBulk(List.of(dev.kith.engine.Relationship.parse("document:w2#viewer@user:ann"))
                    .iterator());
            KithServer second = KithServer.start(engine, config).await(30, TimeUnit.SECONDS);
            try {
                assertThat(watch.get(30, TimeUnit.SECONDS)).as(err.toString()).isZero();
                assertThat(out.toString().lines())
                        .hasSize(2)
                        .anyMatch(l -> l.contains("document:w1#viewer@user:ann"))
                        .anyMatch(l -> l.contains("document:w2#viewer@user:ann"));
                assertThat(err.toString()).contains("reconnecting from ");
            } finally {
                second.close();
            }
        }
    }

    @Test
    void usageErrorsAreExitStatusOne() {
        assertThat(KithCli.run("permission", "check", "document:readme").status())
                .isEqualTo(1);
        assertThat(KithCli.run("permission").status()).isEqualTo(1);
        KithCli.Run badEndpoint = KithCli.run("schema", "read", "--endpoint", "localhost:notaport");
        assertThat(badEndpoint.status()).isEqualTo(1);
        assertThat(badEndpoint.err()).contains("--endpoint").contains("port");
        KithCli.Run badSubject = KithCli.run(
                "permission", "check", "document:readme", "view", "ann", "--endpoint", "127.0.0.1:1", "--insecure");
        assertThat(badSubject.status()).isEqualTo(1);
        assertThat(badSubject.err()).contains("SUBJECT").contains("type:id");
    }

    @Test
    void everyNewCommandShowsAnExampleAndTheExitCodesAreInTheMainHelp() {
        for (List<String> command : List.of(
                List.of("permission", "check"),
                List.of("permission", "expand"),
                List.of("permission", "lookup-resources"),
                List.of("permission", "lookup-subjects"),
                List.of("relationship", "create"),
                List.of("relationship", "touch"),
                List.of("relationship", "delete"),
                List.of("relationship", "read"),
                List.of("relationship", "bulk-delete"),
                List.of("schema", "read"),
                List.of("schema", "write"),
                List.of("schema", "diff"),
                List.of("context", "set"),
                List.of("context", "list"),
                List.of("context", "use"),
                List.of("context", "remove"),
                List.of("watch"),
                List.of("completion"))) {
            String[] args = java.util.stream.Stream.concat(command.stream(), java.util.stream.Stream.of("--help"))
                    .toArray(String[]::new);
            KithCli.Run help = KithCli.run(args);
            assertThat(help.status()).as(String.join(" ", command)).isZero();
            assertThat(help.out())
                    .as(String.join(" ", command))
                    .contains("Example")
                    .contains("kith " + command.get(0));
        }
        assertThat(KithCli.run("--help").out())
                .contains("Exit codes:")
                .contains("2   the permission is denied")
                .contains("4   the server cannot be reached");
    }

    @Test
    void completionScriptsForBashAndZsh() {
        KithCli.Run bash = KithCli.run("completion", "bash");
        assertThat(bash.status()).isZero();
        assertThat(bash.out())
                .contains("complete -F")
                .contains("lookup-resources")
                .contains("--consistency-full");
        KithCli.Run zsh = KithCli.run("completion", "zsh");
        assertThat(zsh.status()).isZero();
        assertThat(zsh.out())
                .startsWith("#compdef kith")
                .contains("bashcompinit")
                .contains("complete -F");
        assertThat(KithCli.run("completion", "fish").status()).isEqualTo(1);
    }
}
