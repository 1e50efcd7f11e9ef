package dev.kith.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.engine.index.Index;
import dev.kith.engine.runtime.Engines;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property test for revisions: random batches of touches and deletes, with the clock moving and the garbage
 * collector cutting history as it goes; every revision still inside the window reads back exactly the state
 * after its batch (relationships, and check answers from the oracle), every older one is expired.
 */
class SnapshotPropertyTest {
    static final String SCHEMA = """
            definition user {}
            definition group {
                relation member: user | group#member
            }
            definition doc {
                relation viewer: user | group#member
                relation banned: user
                permission view = viewer - banned
            }
            """;

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 15);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void everyRevisionInsideTheWindowReadsExactly(long seed) throws Exception {
        Random rnd = new Random(seed);
        MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
        Engine e = Engines.inMemory(EngineOptions.defaults().withClock(clock).withGcWindow(Duration.ofMinutes(30)));
        e.writeSchema(SCHEMA);
        Map<String, Relationship> state = new LinkedHashMap<>();
        TreeMap<Long, List<Relationship>> history = new TreeMap<>();
        TreeMap<Long, Instant> superseded = new TreeMap<>();
        long previous = e.appliedRevision().value();
        for (int batch = 0; batch < 40; batch++) {
            Map<String, RelationshipUpdate> updates = new LinkedHashMap<>();
            int n = 1 + rnd.nextInt(4);
            for (int i = 0; i < n; i++) {
                Relationship r = randomRelationship(rnd);
                boolean delete = rnd.nextInt(3) == 0;
                updates.put(r.key().toString(), delete ? RelationshipUpdate.delete(r) : RelationshipUpdate.touch(r));
            }
            Revision rev = e.write(new Requests.Write(List.copyOf(updates.values()), List.of()));
            superseded.put(previous, clock.instant());
            previous = rev.value();
            for (RelationshipUpdate u : updates.values()) {
                if (u.operation() == RelationshipUpdate.Operation.DELETE) {
                    state.remove(u.relationship().key().toString());
                } else {
                    state.put(u.relationship().key().toString(), u.relationship());
                }
            }
            history.put(rev.value(), List.copyOf(state.values()));
            clock.advance(Duration.ofMinutes(rnd.nextInt(6)));
        }
        Instant horizon = clock.instant().minus(Duration.ofMinutes(30));
        for (Map.Entry<Long, List<Relationship>> h : history.entrySet()) {
            Revision rev = new Revision(h.getKey());
            Consistency at = new Consistency.AtExactSnapshot(rev);
            Instant end = superseded.get(h.getKey());
            if (end != null && !end.isAfter(horizon)) {
                assertThatThrownBy(() -> e.readRelationships(
                                new Requests.ReadRelationships(RelationshipFilter.ofType("doc"), at, null, 0)))
                        .as("seed " + seed + " revision " + rev)
                        .isInstanceOf(KithException.RevisionExpired.class);
                continue;
            }
            List<Relationship> want = new ArrayList<>(h.getValue());
            want.sort(Index.order());
            List<Relationship> got = new ArrayList<>();
            for (String type : List.of("doc", "group")) {
                e.readRelationships(new Requests.ReadRelationships(RelationshipFilter.ofType(type), at, null, 0))
                        .items()
                        .forEach(r -> got.add(r.relationship()));
            }
            assertThat(got).as("seed " + seed + " revision " + rev).containsExactlyElementsOf(want);
            NaiveEvaluator oracle =
                    new NaiveEvaluator(dev.kith.schema.Schemas.compile("s", SCHEMA), h.getValue(), clock.instant());
            for (String d : new String[] {"d1", "d2"}) {
                for (String u : new String[] {"u1", "u2", "u3"}) {
                    ObjectRef res = new ObjectRef("doc", d);
                    SubjectRef s = SubjectRef.object("user", u);
                    assertThat(e.check(new Requests.Check(res, "view", s, null, at, false))
                                    .permissionship())
                            .as("seed " + seed + " revision " + rev + " " + res + " " + s)
                            .isEqualTo(oracle.check(res, "view", s, Map.of()).permissionship());
                }
            }
        }
    }

    private static Relationship randomRelationship(Random rnd) {
        String user = "user:u" + (1 + rnd.nextInt(3));
        String group = "group:g" + (1 + rnd.nextInt(2));
        String doc = "doc:d" + (1 + rnd.nextInt(2));
        return Relationship.parse(
                switch (rnd.nextInt(5)) {
                    case 0 -> doc + "#viewer@" + user;
                    case 1 -> doc + "#viewer@" + group + "#member";
                    case 2 -> doc + "#banned@" + user;
                    case 3 -> group + "#member@" + user;
                    default -> group + "#member@group:g" + (1 + rnd.nextInt(2)) + "#member";
                });
    }
}
