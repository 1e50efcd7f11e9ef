package dev.kith.storage.postgres;

import dev.kith.engine.Engine;
import dev.kith.engine.EngineOptions;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipUpdate;
import dev.kith.engine.runtime.Engines;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Measures how long an engine takes to start over PostgreSQL with and without history to replay: a store of
 * {@code relationships} relationships (one bulk import) followed by {@code revisions} writes of 10 changes each
 * (5 creates, 5 deletes), the schema and the import marked as committed 25 hours ago. "head only" starts with a
 * GC window of one millisecond, so nothing but the head is loaded (what every start did before history was
 * loaded); "window" starts with a 24-hour window that holds the writes but not the import: it loads the state
 * after the import and replays the writes. Runs on the tests' PostgreSQL ({@link
 * TestDatabase}); arguments: relationships, revisions, rounds.
 */
public final class StartupMeasure {
    private StartupMeasure() {}

    public static void main(String[] args) throws Exception {
        int relationships = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int revisions = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        TestDatabase db = new TestDatabase();
        try {
            PostgresOptions options = db.newDatabase("startup");
            try (PostgresDatastore store = PostgresDatastore.open(options)) {
                store.writeSchema("definition user {}\ndefinition document {\n relation viewer: user\n"
                        + " permission view = viewer\n}");
                store.importBulk(IntStream.range(0, relationships)
                        .mapToObj(i -> Relationship.parse("document:d" + i + "#viewer@user:u" + (i % 1000)))
                        .iterator());
                for (int w = 0; w < revisions; w++) {
                    List<RelationshipUpdate> updates = new ArrayList<>();
                    for (int k = 0; k < 5; k++) {
                        updates.add(RelationshipUpdate.create(
                                Relationship.parse("document:n" + w + "_" + k + "#viewer@user:u" + k)));
                        updates.add(RelationshipUpdate.delete(Relationship.parse(
                                "document:d" + (w * 5 + k) + "#viewer@user:u" + ((w * 5 + k) % 1000))));
                    }
                    store.write(updates, List.of());
                }
            }
            try (PgClient sql = new PgClient(options)) {
                // the schema and the import committed before the window: the writes after them are its history
                sql.query(
                        "UPDATE kith_revision SET committed_at = now() - interval '25 hours' WHERE revision <= 2",
                        Tuple.tuple());
            }
            System.out.printf(
                    "store: %,d relationships imported, then %,d writes of 10 changes%n", relationships, revisions);
            for (int round = 0; round < rounds; round++) {
                for (Duration window : List.of(Duration.ofMillis(1), Duration.ofHours(24))) {
                    long t0 = System.nanoTime();
                    try (Engine engine = Engines.create(
                            PostgresDatastore.open(options),
                            EngineOptions.defaults().withGcWindow(window))) {
                        long millis = (System.nanoTime() - t0) / 1_000_000;
                        System.out.printf(
                                "round %d, %s: started in %,d ms at revision %s%n",
                                round + 1,
                                window.toMillis() == 1 ? "head only" : "window of " + revisions + " revisions",
                                millis,
                                engine.appliedRevision());
                    }
                }
            }
        } finally {
            db.afterAll(null);
        }
    }
}
