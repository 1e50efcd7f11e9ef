package dev.kith.api.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.api.server.KithServer;
import dev.kith.api.server.ServerConfig;
import dev.kith.engine.Engine;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.Engines;
import java.io.PrintWriter;
import java.io.StringWriter;
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

    /** Runs {@code kith args…} against the test server; returns {exit code, stdout, stderr}. */
    private static Object[] kith(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (!args[0].equals("validate-http")) {
            int insertAt = args[0].equals("relationships") ? 2 : 1;
            all.addAll(insertAt, List.of("--endpoint", "http://127.0.0.1:" + server.port(), "--key", KEY));
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(all.toArray(String[]::new));
        return new Object[] {code, out.toString(), err.toString()};
    }

    @Test
    void writeCheckReadExportAndImport() throws Exception {
        Object[] w = kith("write", "document:c1#viewer@user:ann", "document:c2#viewer@user:ann");
        assertThat(w[0]).as((String) w[2]).isEqualTo(0);
        assertThat((String) w[1]).isNotBlank();

        Object[] yes = kith("check", "document:c1#view@user:ann");
        assertThat(yes[0]).isEqualTo(0);
        assertThat((String) yes[1]).startsWith("HAS_PERMISSION");
        Object[] no = kith("check", "document:c1#view@user:bob");
        assertThat(no[0]).isEqualTo(2);
        assertThat((String) no[1]).startsWith("NO_PERMISSION");

        Object[] read = kith("relationships", "read", "document#viewer@user:ann");
        assertThat(read[0]).as((String) read[2]).isEqualTo(0);
        assertThat(((String) read[1]).lines()).contains("document:c1#viewer@user:ann", "document:c2#viewer@user:ann");

        Path file = tmp.resolve("rels.txt");
        Files.writeString(file, "// comment\ndocument:i1#viewer@user:ivy\n\ndocument:i2#viewer@user:ivy\n");
        Object[] imp = kith("import", file.toString());
        assertThat(imp[0]).as((String) imp[2]).isEqualTo(0);
        assertThat((String) imp[1]).contains("imported 2 relationships");

        Object[] export = kith("export");
        assertThat(export[0]).as((String) export[2]).isEqualTo(0);
        assertThat(((String) export[1]).lines()).contains("document:i1#viewer@user:ivy", "document:c2#viewer@user:ann");
    }

    @Test
    void errorsAreOneLineAndExitOne() {
        Object[] bad = kith("check", "document:c1#view@user:ann", "--context", "{not json");
        assertThat(bad[0]).isEqualTo(1);
        assertThat((String) bad[2]).startsWith("kith: ").doesNotContain("\tat ");
        Object[] unknown = kith("check", "nosuchtype:c1#view@user:ann");
        assertThat(unknown[0]).isEqualTo(1);
        assertThat((String) unknown[2]).contains("HTTP 400");
    }

    @Test
    void validateHttpRunsAssertionsThroughAnEmbeddedServer() throws Exception {
        Path file = tmp.resolve("v.yaml");
        Files.writeString(file, """
                schema: |-
                  definition user {}
                  definition document {
                      relation viewer: user
                      relation banned: user
                      permission view = viewer - banned
                  }
                relationships: >-
                  document:a#viewer@user:ann

                  document:a#viewer@user:ben

                  document:a#banned@user:ben
                assertions:
                  assertTrue:
                    - document:a#view@user:ann
                  assertFalse:
                    - document:a#view@user:ben
                    - document:a#view@user:cid
                validation:
                  document:a#viewer:
                    - "[user:ann] is <document:a#viewer>"
                    - "[user:ben] is <document:a#viewer>"
                """);
        Object[] ok = kith("validate-http", file.toString());
        assertThat(ok[0]).as((String) ok[1]).isEqualTo(0);
        assertThat(((String) ok[1]).strip()).endsWith("4 passed, 0 failed");

        Path wrong = tmp.resolve("w.yaml");
        Files.writeString(
                wrong, Files.readString(file).replace("- document:a#view@user:cid", "- document:a#view@user:ann"));
        Object[] failed = kith("validate-http", wrong.toString());
        assertThat(failed[0]).isEqualTo(1);
        assertThat((String) failed[1]).contains("document:a#view@user:ann").endsWith("3 passed, 1 failed\n");
    }
}
