package dev.kith.bench.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetReaderTest {

    private static List<Query> queries(String text) throws IOException {
        List<Query> out = new ArrayList<>();
        DatasetReader.forEachQuery(new BufferedReader(new StringReader(text)), "q.txt", out::add);
        return out;
    }

    private static List<Lookup> lookups(String text) throws IOException {
        List<Lookup> out = new ArrayList<>();
        DatasetReader.forEachLookup(new BufferedReader(new StringReader(text)), "l.txt", out::add);
        return out;
    }

    private static List<String> relationships(String text) throws IOException {
        List<String> out = new ArrayList<>();
        DatasetReader.forEachRelationship(
                new BufferedReader(new StringReader(text)), "r.txt", (line, number) -> out.add(number + " " + line));
        return out;
    }

    @Test
    void readsQueriesWithSubjectSetsContextAndExpectations() throws IOException {
        List<Query> read = queries("""
                // a comment, then a blank line

                repo:63406#can_read@user:5195 true
                group:c45_0#member@group:c45_1#member false
                repo:1#can_read@user:2 with {"client_ip": "10.0.0.1", "now": "2026-01-01T00:00:00Z"} error
                document:x/y_z|1=2+3-4#view@user:*
                repo:1#can_read@user:2 with {"a":{"b":[1,"}"]}}
                """);
        assertThat(read)
                .containsExactly(
                        new Query("repo", "63406", "can_read", "user", "5195", "", null, Expectation.TRUE),
                        new Query("group", "c45_0", "member", "group", "c45_1", "member", null, Expectation.FALSE),
                        new Query(
                                "repo",
                                "1",
                                "can_read",
                                "user",
                                "2",
                                "",
                                "{\"client_ip\": \"10.0.0.1\", \"now\": \"2026-01-01T00:00:00Z\"}",
                                Expectation.ERROR),
                        new Query("document", "x/y_z|1=2+3-4", "view", "user", "*", "", null, Expectation.NONE),
                        new Query(
                                "repo",
                                "1",
                                "can_read",
                                "user",
                                "2",
                                "",
                                "{\"a\":{\"b\":[1,\"}\"]}}",
                                Expectation.NONE));
    }

    @Test
    void queryLinesRoundTrip() throws IOException {
        String text = "repo:1#can_read@team:3#member with {\"now\":\"2026-01-01T00:00:00Z\"} true\n"
                + "repo:2#can_write@user:4 false\nrepo:5#can_admin@user:6\n";
        List<Query> read = queries(text);
        assertThat(read.stream().map(Query::toLine).toList())
                .containsExactly(text.strip().split("\n"));
    }

    @Test
    void readsLookupsWithAndWithoutCounts() throws IOException {
        assertThat(lookups("repo#can_read@user:6307 3433\n\ngroup#member@group:g1#member\n"))
                .containsExactly(
                        new Lookup("repo", "can_read", "user", "6307", "", OptionalLong.of(3433)),
                        new Lookup("group", "member", "group", "g1", "member", OptionalLong.empty()));
        assertThat(lookups("repo#can_read@user:1 0").getFirst().toLine()).isEqualTo("repo#can_read@user:1 0");
    }

    @Test
    void handsOutRelationshipLinesWithTheirLineNumbers() throws IOException {
        assertThat(relationships("""
                        repo:12#reader@team:3#member
                        // comment
                        document:1#viewer@user:*
                        repo:1#reader@user:2[in_network:{"network":"10.1.0.0/16"}]
                        repo:1#reader@user:2[expiration:2030-01-01T00:00:00Z]
                        repo:1#reader@user:2[in_window:{"a":"]"}][expiration:2030-01-01T00:00:00Z]
                        repo:1#reader@user:3[plain]
                        """))
                .containsExactly(
                        "1 repo:12#reader@team:3#member",
                        "3 document:1#viewer@user:*",
                        "4 repo:1#reader@user:2[in_network:{\"network\":\"10.1.0.0/16\"}]",
                        "5 repo:1#reader@user:2[expiration:2030-01-01T00:00:00Z]",
                        "6 repo:1#reader@user:2[in_window:{\"a\":\"]\"}][expiration:2030-01-01T00:00:00Z]",
                        "7 repo:1#reader@user:3[plain]");
    }

    @Test
    void malformedRelationshipsNameFileLineAndProblem() {
        assertRelationshipError(
                "repo:1#reader@user:2\nrepo12#reader@user:1\n", 2, "expected ':' between the resource type and id");
        assertRelationshipError("repo:1#reader\n", 1, "expected '@' and the subject after the relation");
        assertRelationshipError("repo:1#Reader@user:1\n", 1, "expected the relation (a lower-case letter");
        assertRelationshipError("repo:*#reader@user:1\n", 1, "a wildcard '*' is not allowed as the resource id");
        assertRelationshipError("repo:1#reader@user:\n", 1, "expected the subject id");
        assertRelationshipError("repo:1#reader@user:1[cav:{\"a\":}]\n", 1, "invalid JSON");
        assertRelationshipError("repo:1#reader@user:1[cav:[1]]\n", 1, "expected a JSON object");
        assertRelationshipError("repo:1#reader@user:1[cav:{\"a\":1}\n", 1, "expected ']' closing the caveat bracket");
        assertRelationshipError("repo:1#reader@user:1[expiration:tomorrow]\n", 1, "is not an RFC 3339 time");
        assertRelationshipError(
                "repo:1#reader@user:1[expiration:2030-01-01T00:00:00Z][cav]\n", 1, "nothing may follow the expiration");
        assertRelationshipError("repo:1#reader@user:1[a][b]\n", 1, "only one caveat bracket");
        assertRelationshipError(
                "repo:1#reader@user:1 extra\n", 1, "unexpected ' extra', expected the end of the relationship");
    }

    @Test
    void malformedQueriesAndLookupsNameFileLineAndProblem() {
        assertThatThrownBy(() -> queries("repo:1#can_read@user:2 maybe\n"))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(
                        "q.txt:1: column 24: expected 'with {…}' or the expectation true, false or error, found 'maybe'");
        assertThatThrownBy(() -> queries("\nrepo:1#can_read@user:2 with {\"a\":1 true\n"))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith("q.txt:2: column 29: the JSON object is not closed");
        assertThatThrownBy(() -> queries("repo:1#can_read@user:2 with [1] true\n"))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("expected a JSON object starting with '{'");
        assertThatThrownBy(() -> queries("repo:1#can_read@user:2 true false\n"))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("unexpected ' false', expected the end of the query");
        assertThatThrownBy(() -> lookups("repo:1#can_read@user:2 3\n"))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith("l.txt:1: column 5: expected '#' and the permission after the resource type");
        assertThatThrownBy(() -> lookups("repo#can_read@user:2 -3\n"))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("expected the expected result count");
        DataFormatException error = assertThrows(DataFormatException.class, () -> lookups("a#b@c:d\n\nrepo#@user:1\n"));
        assertThat(error.source()).isEqualTo("l.txt");
        assertThat(error.line()).isEqualTo(3);
        assertThat(error.problem()).startsWith("column 6: expected the permission");
    }

    @Test
    void readsAndWritesFilesOnDisk(@TempDir Path dir) throws IOException {
        DatasetFiles files = new DatasetFiles(dir.resolve("set"));
        Query query = new Query("repo", "1", "can_read", "user", "2", "", "{\"x\":1}", Expectation.TRUE);
        Lookup lookup = new Lookup("repo", "can_read", "user", "2", "", OptionalLong.of(7));
        try (DatasetWriter writer = DatasetWriter.create(files, "definition user {}\n")) {
            writer.relationship("repo:1#reader@user:2");
            writer.query(query);
            writer.lookup(lookup);
            assertThat(writer.relationshipCount()).isEqualTo(1);
        }
        assertThat(DatasetReader.readSchema(files.schema())).isEqualTo("definition user {}\n");
        assertThat(DatasetReader.readQueries(files.queries())).containsExactly(query);
        assertThat(DatasetReader.readLookups(files.lookups())).containsExactly(lookup);
        assertThat(DatasetReader.forEachRelationship(files.relationships(), (line, number) -> {}))
                .isEqualTo(1);

        Files.writeString(files.queries(), "repo:1#can_read@user:2\nrepo:1#can_read\n");
        assertThatThrownBy(() -> DatasetReader.readQueries(files.queries()))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(files.queries() + ":2: column 16: expected '@'");
    }

    private static void assertRelationshipError(String text, int line, String problem) {
        assertThatThrownBy(() -> relationships(text))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith("r.txt:" + line + ": column ")
                .hasMessageContaining(problem);
    }
}
