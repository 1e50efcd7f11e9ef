package dev.kith.storage.postgres;

import static dev.kith.storage.postgres.ImportRows.atRow;
import static dev.kith.storage.postgres.ImportRows.numbered;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kith.engine.Caveat;
import dev.kith.engine.KithException;
import dev.kith.engine.ObjectRef;
import dev.kith.engine.Relationship;
import dev.kith.engine.RelationshipFilter;
import dev.kith.engine.RelationshipParser;
import dev.kith.engine.RelationshipUpdate;
import dev.kith.engine.Revision;
import dev.kith.engine.SubjectRef;
import io.vertx.sqlclient.Tuple;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The bulk import's COPY path: encoding, statements and buffers, errors, each test on a fresh database. */
final class CopyImportTest {
    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    /** More rows than one COPY statement takes, so an import spans several. */
    private static final int MANY = CopyImport.ROWS_PER_COPY * 2 + 1234;

    private PostgresOptions options;
    private PostgresDatastore store;

    @BeforeEach
    void open() {
        options = DB.newDatabase("copy");
        store = PostgresDatastore.open(options);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private List<Relationship> all() {
        return store.read(new RelationshipFilter(null, null, null, null, null), store.headRevision(), null, 0);
    }

    @Test
    void awkwardIdsContextsAndExpirationsReadBackIdentically() {
        // As contexts arrive: parsed from JSON (numbers as the parser types them).
        Map<String, Object> context = RelationshipParser.parseContext("""
                {"quoted": "she said \\"no\\", then 'yes'",
                 "backslashes": "C:\\\\temp\\\\new\\\\n \\\\\\" \\\\\\\\",
                 "unicode": "żółw 🐢 ☃ e\\u0301 \\u2028",
                 "separators": "a|b\\tc\\nd\\re\\\\N",
                 "nested": {"list": [1, 2.5, true, "x|y"], "empty": {}}}
                """, "test context");
        Instant future = Instant.parse("2999-01-02T03:04:05.123456Z");
        List<Relationship> imported = List.of(
                new Relationship(
                        new ObjectRef("tenant_a/document", "a|b/c=d+e-f_g"),
                        "viewer",
                        new SubjectRef("user", "|||", null),
                        null,
                        null),
                new Relationship(
                        new ObjectRef("document", "==++--__//"),
                        "viewer",
                        new SubjectRef("group", "G|1/2", "member"),
                        new Caveat("on_weekdays", context),
                        future),
                new Relationship(
                        new ObjectRef("document", "N"),
                        "viewer",
                        new SubjectRef("user", "*", null),
                        new Caveat("no_context", Map.of()),
                        Instant.parse("2100-06-30T23:59:59Z")),
                Relationship.parse("document:x#viewer@user:y"));
        Revision at = store.importBulk(imported.iterator());
        assertThat(at).isEqualTo(new Revision(1));
        assertThat(all()).containsExactlyInAnyOrderElementsOf(imported);
        List<Relationship> loaded = new ArrayList<>();
        store.load(schema -> {}, loaded::add);
        assertThat(loaded).containsExactlyInAnyOrderElementsOf(imported);
        try (PgClient sql = new PgClient(options)) {
            assertThat(sql.query(
                                    "SELECT convert_to(resource_id, 'UTF8') = convert_to($1, 'UTF8')"
                                            + " FROM kith_relationship WHERE resource_type = 'tenant_a/document'",
                                    Tuple.of("a|b/c=d+e-f_g"))
                            .iterator()
                            .next()
                            .getBoolean(0))
                    .isTrue();
        }
    }

    @Test
    void anImportLargerThanEveryBufferAndCopyStatementArrivesWhole() {
        String big = "x".repeat(CopyImport.BUFFER_BYTES * 2);
        Relationship wide = new Relationship(
                new ObjectRef("document", "wide"),
                "viewer",
                new SubjectRef("user", "ann", null),
                new Caveat("c", Map.of("big", big)),
                null);
        Iterator<Relationship> many = numbered(MANY, "user:u");
        Revision at = store.importBulk(new Iterator<>() {
            private boolean wideSent;

            @Override
            public boolean hasNext() {
                return !wideSent || many.hasNext();
            }

            @Override
            public Relationship next() {
                if (wideSent) return many.next();
                wideSent = true;
                return wide;
            }
        });
        int[] count = {0};
        List<Relationship> wides = new ArrayList<>();
        assertThat(store.load(schema -> {}, r -> {
                    count[0]++;
                    if (r.resource().id().equals("wide")) wides.add(r);
                }))
                .isEqualTo(at);
        assertThat(count[0]).isEqualTo(MANY + 1);
        assertThat(wides).containsExactly(wide);
        assertThat(store.changesSince(new Revision(0), 10)).hasSize(1);
    }

    @Test
    void aConflictInALaterCopyStatementLeavesTheTableUnchangedAndNamesIt() {
        Relationship existing = Relationship.parse("document:d" + (MANY - 5) + "#viewer@user:a|b=c");
        store.write(List.of(RelationshipUpdate.create(existing)), List.of());
        List<Relationship> before = all();
        assertThatThrownBy(() -> store.importBulk(numbered(MANY, "user:a|b=c")))
                .isInstanceOf(KithException.Conflict.class)
                .hasMessageContaining("relationship " + existing + " already exists");
        assertThat(store.headRevision()).isEqualTo(new Revision(1));
        assertThat(all()).isEqualTo(before);
        assertThatThrownBy(() -> store.importBulk(List.of(
                                Relationship.parse("document:n#viewer@user:x"),
                                Relationship.parse("document:n#viewer@user:x"))
                        .iterator()))
                .isInstanceOf(KithException.InvalidArgument.class)
                .hasMessageContaining("document:n#viewer@user:x appears more than once in the import");
        assertThat(all()).isEqualTo(before);
    }

    @Test
    void aFailingIteratorRollsTheImportBack() {
        Iterator<Relationship> rows = numbered(CopyImport.ROWS_PER_COPY + 10, "user:u");
        assertThatThrownBy(() -> store.importBulk(atRow(CopyImport.ROWS_PER_COPY + 5, rows, () -> {
                    throw new KithException.InvalidArgument("relationships", "line 7 is not JSON");
                })))
                .isInstanceOf(KithException.InvalidArgument.class)
                .hasMessageContaining("line 7 is not JSON");
        assertThat(store.headRevision()).isEqualTo(new Revision(0));
        assertThat(all()).isEmpty();
        assertThat(store.importBulk(numbered(3, "user:u"))).isEqualTo(new Revision(1));
    }

    @Test
    void expiredLiveCopiesAreReplacedAtTheImportsRevision() {
        Relationship expired = new Relationship(
                new ObjectRef("document", "d1"),
                "viewer",
                new SubjectRef("user", "u", null),
                null,
                Instant.now().minus(Duration.ofHours(1)));
        Relationship otherExpired = new Relationship(
                new ObjectRef("document", "other"),
                "viewer",
                new SubjectRef("user", "u", null),
                null,
                Instant.now().minus(Duration.ofHours(1)));
        store.write(List.of(RelationshipUpdate.create(expired), RelationshipUpdate.create(otherExpired)), List.of());
        Revision at = store.importBulk(numbered(3, "user:u"));
        assertThat(all()).extracting(r -> r.resource().id()).containsExactlyInAnyOrder("d0", "d1", "d2");
        try (PgClient sql = new PgClient(options)) {
            var rows = sql.query(
                    "SELECT resource_id, deleted_revision FROM kith_relationship WHERE expires_at IS NOT NULL"
                            + " ORDER BY resource_id",
                    Tuple.tuple());
            List<String> ended = new ArrayList<>();
            rows.forEach(r -> ended.add(r.getString(0) + "@" + r.getLong(1)));
            assertThat(ended)
                    .as("only the imported relationship's expired copy ends, at the import's revision")
                    .containsExactly("d1@" + at.value(), "other@null");
        }
        assertThatThrownBy(() -> store.importBulk(List.of(
                                Relationship.parse("document:other#viewer@user:u"),
                                Relationship.parse("document:other#viewer@user:u"))
                        .iterator()))
                .isInstanceOf(KithException.InvalidArgument.class)
                .hasMessageContaining("appears more than once in the import");
        assertThat(store.headRevision()).isEqualTo(at);
    }

    @Test
    void anImportWaitsForTheRevisionLockAndEndsAtTheStatementTimeout() throws Exception {
        PostgresOptions impatient = options.withTimeouts(Duration.ofMillis(300), Duration.ofSeconds(2));
        try (RevisionLockHolder held = new RevisionLockHolder(options);
                PgClient client = new PgClient(impatient)) {
            assertThatThrownBy(() -> new CopyImport(impatient, client).run(numbered(10, "user:u")))
                    .isInstanceOf(KithException.StoreUnavailable.class)
                    .hasMessageContaining("statement_timeout (300 ms)");
        }
        assertThat(all()).isEmpty();
    }

    @Test
    void anUnreachableDatabaseIsStoreUnavailable() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        PostgresOptions nowhere = options.withAddress("127.0.0.1", closedPort).toBuilder()
                .credentials("kith", "s3cret-password")
                .build();
        try (PgClient client = new PgClient(nowhere)) {
            assertThatThrownBy(() -> new CopyImport(nowhere, client).run(numbered(1, "user:u")))
                    .isInstanceOf(KithException.StoreUnavailable.class)
                    .hasMessageContaining("the PostgreSQL store at 127.0.0.1:" + closedPort)
                    .hasMessageContaining("is unavailable")
                    .hasMessageNotContaining("s3cret-password");
        }
    }

    @Test
    void aWrongPasswordIsStoreUnavailableWithoutThePassword() {
        PostgresOptions wrong = options.toBuilder()
                .credentials("kith_no_such_user", "s3cret-password")
                .build();
        try (PgClient client = new PgClient(wrong)) {
            assertThatThrownBy(() -> new CopyImport(wrong, client).run(numbered(1, "user:u")))
                    .isInstanceOf(KithException.StoreUnavailable.class)
                    .hasMessageContaining("kith_no_such_user")
                    .hasMessageNotContaining("s3cret-password");
        }
    }

    @Test
    void tlsModesReachTheCopyConnection() {
        boolean offersTls;
        try (PgClient client = new PgClient(options)) {
            offersTls = client.query("SHOW ssl", Tuple.tuple())
                    .iterator()
                    .next()
                    .getString(0)
                    .equals("on");
        }
        PostgresOptions disable =
                options.toBuilder().ssl(PostgresOptions.SslMode.DISABLE, null).build();
        try (PgClient client = new PgClient(disable)) {
            assertThat(new CopyImport(disable, client).run(numbered(1, "user:plain")))
                    .isEqualTo(new Revision(1));
        }
        PostgresOptions require =
                options.toBuilder().ssl(PostgresOptions.SslMode.REQUIRE, null).build();
        try (PgClient client = new PgClient(require)) {
            if (offersTls) {
                assertThat(new CopyImport(require, client).run(numbered(1, "user:tls")))
                        .isEqualTo(new Revision(2));
            } else {
                assertThatThrownBy(() -> new CopyImport(require, client).run(numbered(1, "user:tls")))
                        .isInstanceOf(KithException.StoreUnavailable.class)
                        .hasMessageContaining("is unavailable")
                        .hasMessageContaining("SSL");
            }
        }
    }
}
