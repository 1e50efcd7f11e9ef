package dev.kith.bench.inprocess;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.engine.Consistency;
import dev.kith.engine.Engine;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Permissionship;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipUpdate;
import dev.kith.engine.Requests;
import dev.kith.engine.SubjectRef;
import dev.kith.engine.runtime.Engines;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The group moves of {@code write-costs}: which link moves where, and that the data ends as it began. */
class WriteCostsTest {
    private static final String SCHEMA = """
            definition user {}
            definition group {
                relation member: user | group#member
            }
            """;

    // a ∋ b ∋ c ∋ d, and e ∋ f: b has the most below it (c, d) of the objects that have a parent
    private static final List<String> LINES = List.of(
            "group:a#member@group:b#member",
            "group:b#member@group:c#member",
            "group:c#member@group:d#member",
            "group:e#member@group:f#member",
            "group:d#member@user:ann");

    private static Permissionship member(Engine engine, String group) {
        return engine.check(new Requests.Check(
                        new ObjectRef("group", group),
                        "member",
                        SubjectRef.object("user", "ann"),
                        Map.of(),
                        Consistency.FULLY_CONSISTENT,
                        false,
                        List.of()))
                .permissionship();
    }

    @Test
    void movesTheObjectWithTheMostBelowItAndPutsItBack() {
        try (Engine engine = Engines.inMemory(EngineOptions.defaults())) {
            engine.writeSchema(SCHEMA);
            List<Relationship> all = LINES.stream().map(Relationship::parse).toList();
            engine.write(new Requests.Write(
                    all.stream().map(RelationshipUpdate::touch).toList(), List.of()));

            WriteCosts.Move move = WriteCosts.moves(engine, all, 3);

            assertThat(move).isNotNull();
            assertThat(move.relation()).isEqualTo("group#member");
            assertThat(move.moved()).isEqualTo("b");
            assertThat(move.movedDescendants()).isEqualTo(2);
            assertThat(move.from()).isEqualTo("a");
            assertThat(move.to()).isIn("e", "f");
            assertThat(move.latencies().count()).isEqualTo(3);
            // an odd number of moves is followed by one more: b is back under a, and not under the other group
            assertThat(member(engine, "a")).isEqualTo(Permissionship.HAS_PERMISSION);
            assertThat(member(engine, "e")).isEqualTo(Permissionship.NO_PERMISSION);
        }
    }

    @Test
    void aDatasetWithoutNestedLinksHasNothingToMove() {
        try (Engine engine = Engines.inMemory(EngineOptions.defaults())) {
            engine.writeSchema(SCHEMA);
            List<Relationship> all = List.of(Relationship.parse("group:a#member@user:ann"));
            engine.write(new Requests.Write(
                    all.stream().map(RelationshipUpdate::touch).toList(), List.of()));

            assertThat(WriteCosts.moves(engine, all, 5)).isNull();
        }
    }
}
