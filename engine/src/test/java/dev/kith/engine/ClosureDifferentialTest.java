package dev.kith.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.engine.runtime.Engines;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The closure index against the walk: two engines, one with the closure index and one without, take the same
 * random writes (nested-group links added and deleted, some caveated, some expiring, members and viewers) and
 * answer the same checks, lookup-resources and lookup-subjects, at the revision just written and at older ones;
 * every answer (or error) must be the same. Small depth limits make the depth rule decide some of them.
 */
class ClosureDifferentialTest {
    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    static final String SCHEMA = """
            use expiration
            caveat cv_flag(flag bool) {
                flag
            }
            definition user {}
            definition group {
                relation member: user | user with cv_flag | group#member | group#member with cv_flag | group#member with expiration
                relation admin: user | group#member
                permission manage = admin + member
            }
            definition doc {
                relation owner: group
                relation viewer: user | group#member
                relation banned: user | group#member
                permission view = (viewer + owner->manage) - banned
            }
            """;
    static final int GROUPS = 9;
    static final int USERS = 4;

    /** Folder forests: parent links (some caveated, some expiring, some expired) make trees, chains and cycles. */
    static final String FOLDER_SCHEMA = """
            use expiration
            caveat cv_flag(flag bool) {
                flag
            }
            definition user {}
            definition group {
                relation member: user | group#member
            }
            definition folder {
                relation parent: folder | folder with cv_flag | folder with expiration
                relation owner: user
                relation viewer: user | user with cv_flag | group#member
                relation lister: user
                permission edit = owner + parent->edit
                permission view = viewer + edit + parent->view + parent->lister
            }
            definition doc {
                relation parent: folder
                relation viewer: user
                relation banned: user
                permission view = (viewer + parent->view) - banned
            }
            """;

    static final int FOLDERS = 12;

    static Stream<Arguments> runs() {
        List<Arguments> out = new ArrayList<>();
        for (long seed = 1; seed <= 12; seed++) {
            for (int depth : new int[] {2, 4, 50}) out.add(Arguments.of(seed, depth));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "seed {0}, depth limit {1}")
    @MethodSource("runs")
    void closureAnswersAsTheWalk(long seed, int depthLimit) {
        Engine[] engines = differential(
                seed,
                depthLimit,
                SCHEMA,
                ClosureDifferentialTest::randomRelationship,
                ClosureDifferentialTest::compare);
        assertThat(engines[0].stats().closures())
                .as("the closure of group#member is kept")
                .anySatisfy(c -> assertThat(c.relation()).isEqualTo("group#member"));
        assertThat(engines[1].stats().closures()).isEmpty();
        assertThat(engines[1].stats().closureBytes()).isZero();
    }

    static Stream<Arguments> folderRuns() {
        return runs().limit(12);
    }

    @ParameterizedTest(name = "seed {0}, depth limit {1}")
    @MethodSource("folderRuns")
    void folderTreesAnswerAsTheWalk(long seed, int depthLimit) {
        Engine[] engines = differential(
                seed,
                depthLimit,
                FOLDER_SCHEMA,
                ClosureDifferentialTest::randomFolderRelationship,
                ClosureDifferentialTest::compareFolders);
        assertThat(engines[0].stats().closures())
                .as("the closure of folder#parent is kept")
                .anySatisfy(c -> assertThat(c.relation()).isEqualTo("folder#parent"));
    }

    /** One query of both engines at one pair of revisions (the closure index's, the walk's). */
    private interface Comparison {
        void compare(Engine on, Engine off, Revision[] at, Random rnd, String where);
    }

    /**
     * Two engines, the closure index on and off, take the same 60 random write batches; after each, 12 queries at
     * the revision just written or an older one. Returns the engines, on first.
     */
    private static Engine[] differential(
            long seed,
            int depthLimit,
            String schema,
            java.util.function.Function<Random, Relationship> relationships,
            Comparison comparison) {
        EngineOptions options = EngineOptions.defaults()
                .withClock(Clock.fixed(NOW, ZoneOffset.UTC))
                .withDepthLimit(depthLimit);
        Engine on = Engines.inMemory(options.withClosureIndex(true));
        Engine off = Engines.inMemory(options.withClosureIndex(false));
        on.writeSchema(schema);
        off.writeSchema(schema);
        Random rnd = new Random(seed);
        List<Revision[]> revisions = new ArrayList<>();
        for (int step = 0; step < 60; step++) {
            List<RelationshipUpdate> updates = randomUpdates(rnd, relationships);
            Revision a = on.write(new Requests.Write(updates, List.of()));
            Revision b = off.write(new Requests.Write(updates, List.of()));
            revisions.add(new Revision[] {a, b});
            String where = "seed " + seed + ", depth limit " + depthLimit + ", step " + step;
            for (int q = 0; q < 12; q++) {
                Revision[] at =
                        rnd.nextInt(3) == 0 ? revisions.get(rnd.nextInt(revisions.size())) : revisions.getLast();
                comparison.compare(on, off, at, rnd, where);
            }
        }
        return new Engine[] {on, off};
    }

    private static void compareFolders(Engine on, Engine off, Revision[] at, Random rnd, String where) {
        SubjectRef subject = rnd.nextInt(5) == 0
                ? SubjectRef.set("folder", "f" + rnd.nextInt(FOLDERS), "view")
                : SubjectRef.object("user", "u" + rnd.nextInt(USERS + 1));
        String[] target = switch (rnd.nextInt(3)) {
            case 0 -> new String[] {"folder", "f" + rnd.nextInt(FOLDERS), "view"};
            case 1 -> new String[] {"folder", "f" + rnd.nextInt(FOLDERS), "edit"};
            default -> new String[] {"doc", "d" + rnd.nextInt(3), "view"};
        };
        compare(on, off, at, rnd, where, target, subject);
    }

    private static Relationship randomFolderRelationship(Random rnd) {
        String f = "folder:f" + rnd.nextInt(FOLDERS);
        String p = "folder:f" + rnd.nextInt(FOLDERS);
        String u = "user:u" + rnd.nextInt(USERS);
        String text = switch (rnd.nextInt(16)) {
            case 0, 1, 2, 3, 4 -> f + "#parent@" + p;
            case 5 -> f + "#parent@" + p + "[cv_flag:{\"flag\":" + rnd.nextBoolean() + "}]";
            case 6 -> f + "#parent@" + p + "[cv_flag]";
            case 7 ->
                f + "#parent@" + p
                        + (rnd.nextBoolean()
                                ? "[expiration:2031-01-01T00:00:00Z]"
                                : "[expiration:2029-01-01T00:00:00Z]");
            case 8 -> f + "#viewer@" + u;
            case 9 -> f + "#viewer@" + u + "[cv_flag]";
            case 10 -> f + "#viewer@group:g" + rnd.nextInt(3) + "#member";
            case 11 -> f + (rnd.nextBoolean() ? "#owner@" : "#lister@") + u;
            case 12 ->
                "group:g" + rnd.nextInt(3) + "#member@"
                        + (rnd.nextBoolean() ? u : "group:g" + rnd.nextInt(3) + "#member");
            case 13 -> "doc:d" + rnd.nextInt(3) + "#parent@" + f;
            case 14 -> "doc:d" + rnd.nextInt(3) + "#banned@" + u;
            default -> "doc:d" + rnd.nextInt(3) + "#viewer@" + u;
        };
        return Relationship.parse(text);
    }

    @Test
    void statsReportTheClosure() {
        Engine e = Engines.inMemory(EngineOptions.defaults().withClosureIndex(true));
        e.writeSchema(SCHEMA);
        Fixture.touch(
                e, "group:g1#member@group:g2#member", "group:g2#member@group:g3#member", "group:g3#member@user:u1");
        EngineStats.Closure c = e.stats().closures().getFirst();
        assertThat(c.relation()).isEqualTo("group#member");
        assertThat(c.kept()).isTrue();
        assertThat(c.links()).isEqualTo(2);
        assertThat(c.entries()).isEqualTo(3 + 2); // g1 reaches g1..g3, g2 reaches g2 and g3
        assertThat(c.maxHeight()).isEqualTo(2);
        assertThat(e.stats().closureBytes()).isPositive();
        assertThat(Fixture.can(e, "group:g1#member", "user:u1")).isEqualTo(Permissionship.HAS_PERMISSION);
        Fixture.delete(e, "group:g2#member@group:g3#member");
        c = e.stats().closures().getFirst();
        assertThat(c.links()).isEqualTo(1);
        assertThat(c.entries()).isEqualTo(2);
        assertThat(c.maxHeight()).isEqualTo(1);
        assertThat(Fixture.can(e, "group:g1#member", "user:u1")).isEqualTo(Permissionship.NO_PERMISSION);
    }

    @Test
    void statsReportTheArrowClosure() {
        Engine e = Engines.inMemory(EngineOptions.defaults().withClosureIndex(true));
        e.writeSchema(FOLDER_SCHEMA);
        Fixture.touch(
                e,
                "folder:f1#parent@folder:f2",
                "folder:f2#parent@folder:f3",
                "folder:f3#viewer@user:u1",
                "doc:d1#parent@folder:f1");
        EngineStats.Closure c = e.stats().closures().getFirst();
        assertThat(c.relation()).isEqualTo("folder#parent");
        assertThat(c.kept()).isTrue();
        assertThat(c.links()).isEqualTo(2);
        assertThat(c.entries()).as("heights only").isZero();
        assertThat(c.maxHeight()).isEqualTo(2);
        assertThat(c.bytes()).isPositive();
        assertThat(Fixture.can(e, "doc:d1#view", "user:u1")).isEqualTo(Permissionship.HAS_PERMISSION);
        Fixture.delete(e, "folder:f2#parent@folder:f3");
        c = e.stats().closures().getFirst();
        assertThat(c.links()).isEqualTo(1);
        assertThat(c.maxHeight()).isEqualTo(1);
        assertThat(Fixture.can(e, "doc:d1#view", "user:u1")).isEqualTo(Permissionship.NO_PERMISSION);
    }

    private static List<RelationshipUpdate> randomUpdates(
            Random rnd, java.util.function.Function<Random, Relationship> relationships) {
        List<RelationshipUpdate> out = new ArrayList<>();
        Map<String, Relationship> byIdentity = new TreeMap<>();
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            Relationship r = relationships.apply(rnd);
            byIdentity.put(r.key().toString(), r);
        }
        for (Relationship r : byIdentity.values()) {
            // links are deleted as often as added, so the graph keeps changing shape
            out.add(rnd.nextInt(5) < 2 ? RelationshipUpdate.delete(r) : RelationshipUpdate.touch(r));
        }
        return out;
    }

    private static Relationship randomRelationship(Random rnd) {
        String g = "group:g" + rnd.nextInt(GROUPS);
        String h = "group:g" + rnd.nextInt(GROUPS) + "#member";
        String u = "user:u" + rnd.nextInt(USERS);
        String d = "doc:d" + rnd.nextInt(3);
        String text = switch (rnd.nextInt(14)) {
            case 0, 1, 2, 3 -> g + "#member@" + h;
            case 4 -> g + "#member@" + h + "[cv_flag:{\"flag\":" + rnd.nextBoolean() + "}]";
            case 5 -> g + "#member@" + h + "[cv_flag]";
            case 6 -> g + "#member@" + h + "[expiration:2031-01-01T00:00:00Z]";
            case 7, 8 -> g + "#member@" + u;
            case 9 -> g + "#member@" + u + "[cv_flag]";
            case 10 -> g + "#admin@" + h;
            case 11 -> d + "#viewer@" + h;
            case 12 -> d + "#banned@" + (rnd.nextBoolean() ? h : u);
            default -> d + "#owner@" + g;
        };
        return Relationship.parse(text);
    }

    private static void compare(Engine on, Engine off, Revision[] at, Random rnd, String where) {
        SubjectRef subject = rnd.nextInt(4) == 0
                ? SubjectRef.set("group", "g" + rnd.nextInt(GROUPS), "member")
                : SubjectRef.object("user", "u" + rnd.nextInt(USERS + 1));
        String[] target = switch (rnd.nextInt(3)) {
            case 0 -> new String[] {"group", "g" + rnd.nextInt(GROUPS), "member"};
            case 1 -> new String[] {"group", "g" + rnd.nextInt(GROUPS), "manage"};
            default -> new String[] {"doc", "d" + rnd.nextInt(3), "view"};
        };
        compare(on, off, at, rnd, where, target, subject);
    }

    private static void compare(
            Engine on, Engine off, Revision[] at, Random rnd, String where, String[] target, SubjectRef subject) {
        Map<String, Object> context = switch (rnd.nextInt(3)) {
            case 0 -> Map.of();
            case 1 -> Map.of("flag", true);
            default -> Map.of("flag", false);
        };
        ObjectRef resource = new ObjectRef(target[0], target[1]);
        String what =
                where + ": " + resource + "#" + target[2] + "@" + subject + " ctx " + context + " at " + at[1].value();
        assertThat(answer(() -> on.check(new Requests.Check(
                        resource, target[2], subject, context, new Consistency.AtExactSnapshot(at[0]), false))))
                .as("check " + what)
                .isEqualTo(answer(() -> off.check(new Requests.Check(
                        resource, target[2], subject, context, new Consistency.AtExactSnapshot(at[1]), false))));
        assertThat(lookupAnswer(() -> resources(on, target, subject, context, at[0])))
                .as("lookup-resources " + what)
                .isEqualTo(lookupAnswer(() -> resources(off, target, subject, context, at[1])));
        assertThat(answer(() -> subjects(on, resource, target[2], context, at[0])))
                .as("lookup-subjects " + what)
                .isEqualTo(answer(() -> subjects(off, resource, target[2], context, at[1])));
    }

    private static String resources(
            Engine e, String[] target, SubjectRef subject, Map<String, Object> context, Revision at) {
        StringBuilder out = new StringBuilder();
        for (Results.LookupResource r : e.lookupResources(new Requests.LookupResources(
                        target[0], target[2], subject, context, new Consistency.AtExactSnapshot(at), null, 0))
                .items()) {
            out.append(r.resourceId())
                    .append(':')
                    .append(r.permissionship())
                    .append(r.missingContext())
                    .append(' ');
        }
        return out.toString();
    }

    private static String subjects(
            Engine e, ObjectRef resource, String permission, Map<String, Object> context, Revision at) {
        StringBuilder out = new StringBuilder();
        for (Results.LookupSubject s : e.lookupSubjects(new Requests.LookupSubjects(
                        resource,
                        permission,
                        "user",
                        null,
                        context,
                        new Consistency.AtExactSnapshot(at),
                        null,
                        0,
                        false,
                        List.of()))
                .items()) {
            out.append(s.subjectId())
                    .append(':')
                    .append(s.permissionship())
                    .append(s.missingContext())
                    .append(s.excludedSubjects())
                    .append(' ');
        }
        return out.toString();
    }

    /**
     * As {@link #answer}, but a depth error without the place it names: a lookup may meet the limit on another
     * object or step with the index than without it (the closure computes a recursive permission in one pass, the
     * walk object by object), and what must agree is whether it fails, not where it noticed.
     */
    private static String lookupAnswer(java.util.function.Supplier<Object> call) {
        try {
            return String.valueOf(call.get());
        } catch (KithException.MaxDepthExceeded e) {
            String message = String.valueOf(e.getMessage());
            int cut = message.indexOf(" while ");
            return e.getClass().getSimpleName() + ": " + (cut < 0 ? message : message.substring(0, cut));
        } catch (KithException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    /** The answer's text, or the error's class and message: equal answers and equal errors compare equal. */
    private static String answer(java.util.function.Supplier<Object> call) {
        try {
            Object r = call.get();
            if (r instanceof Results.Check c) return c.permissionship() + " " + c.missingContext();
            return String.valueOf(r);
        } catch (KithException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }
}
