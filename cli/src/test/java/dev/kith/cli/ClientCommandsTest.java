package dev.kith.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.api.server.KithServer;
import dev.kith.api.server.ServerConfig;
import dev.kith.engine.Engine;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.runtime.Engines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client commands against a real server, and the HTTP validation runner. */
class ClientCommandsTest {
    static final String KEY = "cli-test-key";
    static Engine engine;
    static KithServer server;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        engine = Engines.inMemory(EngineOptions.defaults());
        server = KithServer.start(engine, ServerConfig.loopback(List.of(KEY))).await(30, TimeUnit.SECONDS);
        engine.writeSchema("""
                definition user {}
                definition document {
                    relation viewer: user
                    permission view = viewer
                }
                """);
    }

    @AfterAll
    static void stop() {
        server.close();
        engine.close();
    }

    /** Runs {@code kith args…} against the test server; returns its exit status and output. */
    private static KithCli.Run kith(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        int insertAt = args[0].equals("relationships") ? 2 : 1;
        all.addAll(insertAt, List.of("--endpoint", "http://127.0.0.1:" + server.port(), "--key", KEY));
        return KithCli.run(all.toArray(String[]::new));
    }

    @Test
    void writeCheckReadExportAndImport() throws Exception {
        KithCli.Run w = kith("write", "document:c1#viewer@user:ann", "document:c2#viewer@user:ann");
        assertThat(w.status()).as(w.err()).isEqualTo(0);
        assertThat(w.out()).isNotBlank();

        KithCli.Run yes = kith("check", "document:c1#view@user:ann");
        assertThat(yes.status()).isEqualTo(0);
        assertThat(yes.out()).startsWith("HAS_PERMISSION");
        KithCli.Run no = kith("check", "document:c1#view@user:bob");
        assertThat(no.status()).isEqualTo(2);
        assertThat(no.out()).startsWith("NO_PERMISSION");

        KithCli.Run read = kith("relationships", "read", "document#viewer@user:ann");
        assertThat(read.status()).as(read.err()).isEqualTo(0);
        assertThat(read.out().lines()).contains("document:c1#viewer@user:ann", "document:c2#viewer@user:ann");

        Path file = tmp.resolve("rels.txt");
        Files.writeString(file, "// comment\ndocument:i1#viewer@user:ivy\n\ndocument:i2#viewer@user:ivy\n");
        KithCli.Run imp = kith("import", file.toString());
        assertThat(imp.status()).as(imp.err()).isEqualTo(0);
        assertThat(imp.out()).contains("imported 2 relationships");

        KithCli.Run export = kith("export");
        assertThat(export.status()).as(export.err()).isEqualTo(0);
        assertThat(export.out().lines()).contains("document:i1#viewer@user:ivy", "document:c2#viewer@user:ann");
    }

    @Test
    void errorsAreOneLineAndExitOne() {
        KithCli.Run bad = kith("check", "document:c1#view@user:ann", "--context", "{not json");
        assertThat(bad.status()).isEqualTo(1);
        assertThat(bad.err()).startsWith("kith: ").doesNotContain("\tat ");
        KithCli.Run unknown = kith("check", "nosuchtype:c1#view@user:ann");
        assertThat(unknown.status()).isEqualTo(1);
        assertThat(unknown.err()).contains("kith: UNKNOWN_NAME (HTTP 400): ");
    }
}
