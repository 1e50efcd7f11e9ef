package dev.kith.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kith.storage.postgres.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class PostgresCommandTest {
    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private static int run(StringWriter out, StringWriter err, String... args) {
        return BenchMain.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void importsAndLoadsADatasetIntoAnEmptyDatabaseOnly(@TempDir Path dir) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(run(out, err, "generate", "--dataset", "github", "--out", dir.toString(), "--scale", "0.002"))
                .as(err.toString())
                .isZero();
        String url = TestDatabase.url(DB.newDatabase("bench"));
        StringWriter timed = new StringWriter();
        assertThat(run(timed, err, "postgres", "--datastore", url, "--dataset", dir.toString()))
                .as(err.toString())
                .isZero();
        String[] lines = timed.toString().strip().split("\n");
        JsonNode json = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertThat(json.get("relationships").asLong()).isPositive();
        assertThat(json.get("loaded").asLong())
                .isEqualTo(json.get("relationships").asLong());
        assertThat(json.get("import_seconds").isNumber()).isTrue();
        assertThat(json.get("load_per_second").isNumber()).isTrue();

        StringWriter again = new StringWriter();
        assertThat(run(new StringWriter(), again, "postgres", "--datastore", url, "--dataset", dir.toString()))
                .isEqualTo(2);
        assertThat(again.toString()).contains("already holds kith data").contains("give an empty database");
        StringWriter badUrl = new StringWriter();
        assertThat(run(new StringWriter(), badUrl, "postgres", "--datastore", "mysql://x", "--dataset", dir.toString()))
                .isEqualTo(2);
        assertThat(badUrl.toString()).contains("must start with postgres://");
    }
}
