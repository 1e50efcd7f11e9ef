package dev.kith.bench.jmh;

import dev.kith.schema.SchemaException;
import dev.kith.schema.Schemas;
import dev.kith.schema.ValidatedSchema;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Compiling a large schema: lexing, parsing, compiling to rewrites and validating (with CEL
 * type-checking of its caveats), and printing it back.
 *
 * <p>The schema has {@code definitions} object types in chains of folders and documents with
 * subject sets, wildcards, caveats and arrows, built once per trial from a fixed shape.
 *
 * <p>Run: {@code ./mvnw -B -q -pl bench -am package -DskipTests && java -jar bench/target/kith-bench.jar jmh
 * SchemaParseBenchmark -f 1 -wi 3 -i 5}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SchemaParseBenchmark {

    @Param({"1000"})
    public int definitions;

    private String text;
    private ValidatedSchema compiled;

    @Setup(Level.Trial)
    public void setUp() throws SchemaException {
        text = generate(definitions);
        compiled = Schemas.compile("bench.zed", text);
    }

    @Benchmark
    public ValidatedSchema compile() throws SchemaException {
        return Schemas.compile("bench.zed", text);
    }

    @Benchmark
    public void checkSyntax() throws SchemaException {
        Schemas.checkSyntax("bench.zed", text);
    }

    @Benchmark
    public String format() {
        return Schemas.format(compiled);
    }

    /**
     * A schema of {@code count} definitions: a user type, caveats, then groups, folders and
     * documents in turn, each folder and document pointing at earlier ones.
     */
    static String generate(int count) {
        StringBuilder out = new StringBuilder();
        out.append("use expiration\n\n");
        out.append("/** the people */\ndefinition user {}\n\n");
        out.append("caveat on_network(ip ipaddress, cidr string) {\n    ip.in_cidr(cidr)\n}\n\n");
        out.append("caveat before(now timestamp, until timestamp) {\n    now < until\n}\n\n");
        for (int i = 1; i < count; i++) {
            switch (i % 3) {
                case 1 ->
                    out.append("definition group_")
                            .append(i)
                            .append(" {\n    relation member: user | user with on_network")
                            .append(i > 3 ? " | group_" + (i - 3) + "#member" : "")
                            .append("\n    relation admin: user with expiration\n")
                            .append("    permission manage = admin\n    permission view = member + manage\n}\n\n");
                case 2 ->
                    out.append("/**\n * folder ")
                            .append(i)
                            .append("\n */\ndefinition folder_")
                            .append(i)
                            .append(" {\n    relation parent: ")
                            .append(i > 3 ? "folder_" + (i - 3) : "folder_" + i)
                            .append("\n    relation viewer: user | user:* | group_")
                            .append(i - 1)
                            .append("#member\n    relation owner: user with before\n")
                            .append("    permission edit = owner\n")
                            .append("    permission view = viewer + edit + parent->view\n}\n\n");
                default ->
                    out.append("definition document_")
                            .append(i)
                            .append(" {\n    relation parent: folder_")
                            .append(i - 1)
                            .append("\n    relation reader: user | group_")
                            .append(i - 2)
                            .append("#member\n    relation banned: user\n")
                            .append("    relation owner: user\n")
                            .append("    permission edit = owner & parent->edit\n")
                            .append("    permission view = (reader + edit + parent.any(view)) - banned\n")
                            .append("    permission audit = parent.all(view) - nil\n}\n\n");
            }
        }
        return out.toString();
    }
}
