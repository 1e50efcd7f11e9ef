package dev.kith.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.engine.index.Index;
import dev.kith.engine.runtime.Engines;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property test: readRelationships, paged, returns exactly the live relationships a plain filter over the
 * list selects, in the store order, for random data and random filters.
 */
class ReadFilterPropertyTest {
    static LongStream seeds() {
        return LongStream.rangeClosed(1, 30);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void pagedReadsMatchAPlainFilter(long seed) throws Exception {
        Random rnd = new Random(seed);
        Map<String, List<String>> allowed = new HashMap<>();
        String schema = OracleTest.randomSchema(rnd, allowed);
        List<Relationship> rels = OracleTest.randomRelationships(rnd, allowed);
        Engine engine =
                Engines.inMemory(EngineOptions.defaults().withClock(Clock.fixed(OracleTest.NOW, ZoneOffset.UTC)));
        engine.writeSchema(schema);
        engine.write(
                new Requests.Write(rels.stream().map(RelationshipUpdate::touch).toList(), List.of()));
        List<Relationship> live = rels.stream()
                .filter(r -> r.expiresAt() == null || r.expiresAt().isAfter(OracleTest.NOW))
                .sorted(Index.order())
                .toList();
        for (int i = 0; i < 40; i++) {
            RelationshipFilter f = randomFilter(rnd);
            List<Relationship> want = live.stream().filter(f::matches).toList();
            List<Relationship> got = new ArrayList<>();
            String cursor = null;
            do {
                Results.Page<Results.ReadRelationship> page =
                        engine.readRelationships(new Requests.ReadRelationships(f, null, cursor, 1 + rnd.nextInt(3)));
                page.items().forEach(r -> got.add(r.relationship()));
                cursor = page.nextCursor();
            } while (cursor != null);
            assertThat(got).as("seed " + seed + " filter " + f).containsExactlyElementsOf(want);
        }
    }

    private static RelationshipFilter randomFilter(Random rnd) {
        String type = rnd.nextInt(5) == 0 ? null : OracleTest.TYPES[rnd.nextInt(OracleTest.TYPES.length)];
        String id = null;
        String prefix = null;
        switch (rnd.nextInt(4)) {
            case 0 -> id = OracleTest.IDS[rnd.nextInt(OracleTest.IDS.length)];
            case 1 -> prefix = rnd.nextBoolean() ? "x" : "x2";
            default -> {}
        }
        String relation = rnd.nextBoolean() ? null : new String[] {"rel_a", "rel_b", "parent"}[rnd.nextInt(3)];
        SubjectFilter sf = null;
        if (type == null || rnd.nextBoolean()) {
            String stype = rnd.nextBoolean() ? "user" : OracleTest.TYPES[rnd.nextInt(OracleTest.TYPES.length)];
            String sid = rnd.nextBoolean()
                    ? null
                    : stype.equals("user")
                            ? (rnd.nextInt(4) == 0 ? "*" : OracleTest.USERS[rnd.nextInt(OracleTest.USERS.length)])
                            : OracleTest.IDS[rnd.nextInt(OracleTest.IDS.length)];
            // a subject relation the type does not define is refused (users have no relations)
            String srel = switch (rnd.nextInt(4)) {
                case 0 -> "";
                case 1 -> stype.equals("user") ? "" : "rel_a";
                default -> null;
            };
            sf = new SubjectFilter(stype, sid, srel);
        }
        return new RelationshipFilter(type, id, prefix, relation, sf);
    }
}
