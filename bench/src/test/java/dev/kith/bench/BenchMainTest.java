package dev.kith.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kith.bench.data.DatasetFiles;
import dev.kith.bench.data.DatasetReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchMainTest {
    private record Result(int status, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = BenchMain.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(status, out.toString(), err.toString());
    }

    @Test
    void generatePrintsTheCountsAsJsonAndWritesReadableFiles(@TempDir Path dir) throws IOException {
        Result result =
                run("generate", "--dataset", "drive", "--out", dir.toString(), "--scale", "0.005", "--seed", "9");
        assertThat(result.status()).as(result.err()).isZero();
        String[] lines = result.out().strip().split("\n");
        JsonNode json = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertThat(json.get("dataset").asText()).isEqualTo("drive");
        assertThat(json.get("seconds").isNumber()).isTrue();
        DatasetFiles files = new DatasetFiles(dir);
        assertThat(json.get("relationships").asLong())
                .isEqualTo(DatasetReader.forEachRelationship(files.relationships(), (line, number) -> {}));
        assertThat(json.get("queries").asLong())
                .isEqualTo(DatasetReader.readQueries(files.queries()).size());
        assertThat(json.get("lookups").asLong())
                .isEqualTo(DatasetReader.readLookups(files.lookups()).size());
        assertThat(DatasetReader.readSchema(files.schema()))
                .contains("permission view = (viewer + owner + editor + parent->view) - banned");
    }

    @Test
    void badArgumentsGetAMessageAndStatusTwo(@TempDir Path dir) throws IOException {
        java.nio.file.Files.writeString(dir.resolve("file"), "not a directory");
        Result unknown = run("generate", "--dataset", "gitlab", "--out", dir.toString());
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown dataset 'gitlab'; expected one of github, drive, deep, caveats");
        Result scale = run("generate", "--dataset", "github", "--out", dir.toString(), "--scale", "-1");
        assertThat(scale.status()).isEqualTo(2);
        assertThat(scale.err()).contains("--scale must be greater than 0");
        Result missing = run("generate", "--dataset", "github");
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing required option: '--out=<out>'");
        Result notADirectory = run(
                "generate", "--dataset", "deep", "--out", dir.resolve("file").toString() + "/x");
        assertThat(notADirectory.status()).isEqualTo(1);
        assertThat(notADirectory.err()).startsWith("kith-bench: ").doesNotContain("\tat ");
        Result noQueries = run(
                "http",
                "--endpoint",
                "http://127.0.0.1:1",
                "--queries",
                dir.resolve("none.txt").toString());
        assertThat(noQueries.status()).isEqualTo(2);
        assertThat(noQueries.err()).contains("no such queries file: " + dir.resolve("none.txt"));
        Result none = run();
        assertThat(none.status()).isEqualTo(2);
        assertThat(none.err()).contains("name a command: generate, http, writes, check, lookup, postgres or jmh");
    }

    @Test
    void everyCommandAnswersHelpWithItsOptions() {
        for (String command : new String[] {"generate", "http", "writes", "check", "lookup", "postgres", "jmh"}) {
            Result help = run(command, "--help");
            assertThat(help.status()).as(command).isZero();
            assertThat(help.out())
                    .as(command)
                    .contains("Usage: kith-bench " + command)
                    .contains("--help");
        }
        Result badEndpoint = run("writes", "--endpoint", "ht tp://x");
        assertThat(badEndpoint.status()).isEqualTo(2);
        assertThat(badEndpoint.err()).contains("--endpoint is not a URL");
    }
}
