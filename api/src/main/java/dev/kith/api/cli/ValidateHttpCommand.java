package dev.kith.api.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kith.api.client.KithClient;
import dev.kith.api.client.Wire;
import dev.kith.api.server.KithServer;
import dev.kith.api.server.ServerConfig;
import dev.kith.engine.Engine;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.Engines;
import dev.kith.engine.KithException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kith validate-http FILE…}: runs SpiceDB validation files through the HTTP API. For each file it
 * starts an embedded in-memory server on a random loopback port (with a random key), writes the schema,
 * imports the relationships, and checks every assertion with {@code POST /v1/permissions/check}. Prints each
 * failure and a last line {@code N passed, N failed}; exits 0 only when nothing failed. ({@code validation:}
 * blocks are compared by {@code kith validate}, which runs on the engine directly.)
 */
@Command(
        name = "validate-http",
        hidden = true,
        mixinStandardHelpOptions = true,
        description = "Run validation files' assertions through an embedded HTTP server; print N passed, N failed.")
final class ValidateHttpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "SpiceDB validation files (.yaml).")
    List<Path> files;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        int passed = 0;
        int failed = 0;
        for (Path file : files) {
            int[] counts = run(file, out);
            passed += counts[0];
            failed += counts[1];
        }
        out.println(passed + " passed, " + failed + " failed");
        out.flush();
        return failed == 0 ? 0 : 1;
    }

    /** Runs one file; returns {passed, failed}. A file that cannot be loaded counts as one failure. */
    private static int[] run(Path file, PrintWriter out) {
        ValidationFile v;
        try {
            v = ValidationFile.load(file);
        } catch (IOException | RuntimeException e) {
            out.println("FAIL " + file + ": cannot load: " + e.getMessage());
            return new int[] {0, 1};
        }
        String key = UUID.randomUUID().toString();
        try (Engine engine = Engines.inMemory(EngineOptions.defaults());
                KithServer server = KithServer.start(engine, ServerConfig.loopback(List.of(key)))
                        .await(30, TimeUnit.SECONDS)) {
            KithClient client = new KithClient("http://127.0.0.1:" + server.port(), key);
            try {
                ObjectNode schema = client.mapper().createObjectNode().put("schema", v.schema());
                client.post("/v1/schema/write", schema);
                if (!v.relationships().isEmpty()) {
                    client.post(
                            "/v1/relationships/importbulk",
                            ImportCommand.ndjson(client, v.relationships()),
                            "application/x-ndjson");
                }
            } catch (KithClient.ApiException | UncheckedIOException e) {
                out.println("FAIL " + file + ": cannot load into the server: " + e.getMessage());
                return new int[] {0, 1};
            }
            int passed = 0;
            int failed = 0;
            for (ValidationFile.Assertion a : v.assertions()) {
                String problem = check(client, a);
                if (problem == null) {
                    passed++;
                } else {
                    failed++;
                    out.println("FAIL " + file + ": " + a.expect().name().toLowerCase(java.util.Locale.ROOT) + " "
                            + a.text() + ": " + problem);
                }
            }
            return new int[] {passed, failed};
        } catch (KithException | java.util.concurrent.TimeoutException e) {
            out.println("FAIL " + file + ": " + e.getMessage());
            return new int[] {0, 1};
        }
    }

    /** Null when the assertion holds, otherwise what was answered instead. */
    private static String check(KithClient client, ValidationFile.Assertion a) {
        ObjectNode body = client.mapper().createObjectNode();
        body.set("resource", Wire.objectRef(client.mapper(), a.check().resource()));
        body.put("permission", a.check().relation());
        body.set("subject", Wire.subjectRef(client.mapper(), a.check().subject()));
        if (!a.context().isEmpty()) body.set("context", client.mapper().valueToTree(a.context()));
        JsonNode answer;
        try {
            answer = client.post("/v1/permissions/check", body);
        } catch (KithClient.ApiException | UncheckedIOException e) {
            return "error " + e.getMessage();
        }
        String expected = switch (a.expect()) {
            case TRUE -> "PERMISSIONSHIP_HAS_PERMISSION";
            case FALSE -> "PERMISSIONSHIP_NO_PERMISSION";
            case CAVEATED -> "PERMISSIONSHIP_CONDITIONAL_PERMISSION";
        };
        String got = answer.path("permissionship").asText();
        return expected.equals(got) ? null : "expected " + expected + ", got " + got;
    }
}
