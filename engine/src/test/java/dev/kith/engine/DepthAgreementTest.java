package dev.kith.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kith.engine.runtime.Engines;
import dev.kith.schema.Schemas;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Check, lookup-resources and lookup-subjects agree on the depth budget: on chains of 49, 50 and 51 hops at the
 * default limit of 50, with the far end reached through subject sets (with users on the chain or none), through
 * arrows, or only under the subtracted side of an exclusion. For every (resource, subject) of a closed universe, check answers or raises
 * a depth error; lookup-resources for a subject raises a depth error exactly when check does on some resource
 * of the type that the walk from the subject up reaches (a path of relationships through any branch of a union or
 * an intersection and the base side of an exclusion: {@link #REACH_SCHEMA}), else returns exactly the resources
 * check grants; lookup-subjects raises it exactly when check does on some subject of the resource. Answers that
 * are not errors also match {@link NaiveEvaluator}.
 */
class DepthAgreementTest {
    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    static final String DEPTH_ERROR = "DEPTH";

    static final String SCHEMA = """
            definition user {}
            definition group {
                relation member: user | group#member
            }
            definition folder {
                relation parent: folder
                relation viewer: user
                permission view = viewer + parent->view
            }
            definition doc {
                relation viewer: user | group#member
                relation banned: group#member
                relation folder: folder
                permission view = viewer - banned
                permission read = folder->view
                permission both = view & read
            }
            """;

    /**
     * {@link #SCHEMA} with each exclusion replaced by its base and each intersection by a union: check grants
     * exactly the resources a subject reaches with it.
     */
    static final String REACH_SCHEMA =
            SCHEMA.replace("viewer - banned", "viewer").replace("view & read", "view + read");

    static java.util.stream.Stream<Arguments> chains() {
        List<Arguments> out = new ArrayList<>();
        for (int hops : new int[] {49, 50, 51}) {
            for (String shape : new String[] {"groups", "bare", "folders", "banned"}) {
                out.add(Arguments.of(shape, hops, true));
                out.add(Arguments.of(shape, hops, false));
            }
        }
        return out.stream();
    }

    /** Relationships whose longest path from doc:d spends {@code hops} hops, ending at user:far. */
    static List<Relationship> chain(String shape, int hops) {
        List<String> rels = new ArrayList<>();
        rels.add("doc:d#viewer@user:near");
        rels.add("doc:e#viewer@user:far");
        switch (shape) {
            case "groups", "banned" -> {
                // doc -> g1 -> ... -> g<hops>: the first hop enters g1
                rels.add("doc:d#" + (shape.equals("groups") ? "viewer" : "banned") + "@group:g1#member");
                for (int i = 1; i < hops; i++) rels.add("group:g" + i + "#member@group:g" + (i + 1) + "#member");
                rels.add("group:g" + hops + "#member@user:far");
                rels.add("group:g1#member@user:mid");
            }
            case "bare" -> {
                // no user in any group: lookup-subjects meets only user:near, whose check stops before the chain
                rels.add("doc:d#viewer@group:g1#member");
                for (int i = 1; i < hops; i++) rels.add("group:g" + i + "#member@group:g" + (i + 1) + "#member");
            }
            case "folders" -> {
                rels.add("doc:d#folder@folder:f1");
                for (int i = 1; i < hops; i++) rels.add("folder:f" + i + "#parent@folder:f" + (i + 1));
                rels.add("folder:f" + hops + "#viewer@user:far");
                rels.add("folder:f1#viewer@user:mid");
            }
            default -> throw new IllegalArgumentException(shape);
        }
        return rels.stream().map(Relationship::parse).toList();
    }

    @ParameterizedTest(name = "{0}, {1} hops, closure index {2}")
    @MethodSource("chains")
    void lookupsRaiseTheDepthErrorExactlyWhenCheckDoes(String shape, int hops, boolean closureIndex) throws Exception {
        List<Relationship> rels = chain(shape, hops);
        Engine engine = Engines.inMemory(EngineOptions.defaults()
                .withClock(Clock.fixed(NOW, ZoneOffset.UTC))
                .withClosureIndex(closureIndex));
        engine.writeSchema(SCHEMA);
        engine.write(
                new Requests.Write(rels.stream().map(RelationshipUpdate::touch).toList(), List.of()));
        NaiveEvaluator oracle = new NaiveEvaluator(Schemas.compile("depth", SCHEMA), rels, NOW);
        NaiveEvaluator reach = reach(rels);

        Map<String, List<String>> resources = new LinkedHashMap<>();
        resources.put("doc", List.of("d", "e", "never"));
        resources.put("group", universe("g", hops));
        resources.put("folder", universe("f", hops));
        Map<String, List<String>> permissions =
                Map.of("doc", List.of("view", "read", "both"), "group", List.of("member"), "folder", List.of("view"));
        List<String> users = List.of("near", "mid", "far", "nobody");

        boolean sawDepthError = false;
        for (var type : resources.entrySet()) {
            for (String perm : permissions.get(type.getKey())) {
                // check on every (resource, subject)
                Map<String, Map<String, String>> byUser = new TreeMap<>();
                Map<String, Map<String, String>> byResource = new TreeMap<>();
                for (String id : type.getValue()) {
                    for (String u : users) {
                        ObjectRef resource = new ObjectRef(type.getKey(), id);
                        SubjectRef subject = SubjectRef.object("user", u);
                        String outcome = check(engine, resource, perm, subject);
                        if (!outcome.equals(DEPTH_ERROR)) {
                            assertThat(outcome)
                                    .as("check " + resource + "#" + perm + "@" + subject)
                                    .isEqualTo(oracle.check(resource, perm, subject, Map.of())
                                            .permissionship()
                                            .name());
                        } else {
                            sawDepthError = true;
                        }
                        if (reaches(reach, resource, perm, u)) {
                            byUser.computeIfAbsent(u, k -> new TreeMap<>()).put(id, outcome);
                        }
                        byResource.computeIfAbsent(id, k -> new TreeMap<>()).put(u, outcome);
                    }
                }
                for (String id : type.getValue()) {
                    String what = "lookup-subjects " + type.getKey() + ":" + id + "#" + perm + " checks "
                            + byResource.get(id);
                    assertThat(lookupSubjects(engine, new ObjectRef(type.getKey(), id), perm))
                            .as(what)
                            .isEqualTo(expected(byResource.get(id)));
                }
                for (String u : users) {
                    String what = "lookup-resources " + type.getKey() + "#" + perm + "@user:" + u + " checks "
                            + byUser.get(u);
                    assertThat(lookupResources(engine, type.getKey(), perm, u))
                            .as(what)
                            .isEqualTo(expected(byUser.getOrDefault(u, Map.of())));
                }
            }
        }
        assertThat(sawDepthError).as("a depth error exactly past the limit").isEqualTo(hops > 50);
    }

    /** Expand spends depth as check does: the folder chain expands up to the limit, and the hop past it fails. */
    @ParameterizedTest(name = "{0} hops")
    @org.junit.jupiter.params.provider.ValueSource(ints = {49, 50, 51})
    void expandRunsOutOfDepthExactlyWhereCheckDoes(int hops) throws Exception {
        List<Relationship> rels = chain("folders", hops);
        Engine engine = Engines.inMemory(EngineOptions.defaults().withClock(Clock.fixed(NOW, ZoneOffset.UTC)));
        engine.writeSchema(SCHEMA);
        engine.write(
                new Requests.Write(rels.stream().map(RelationshipUpdate::touch).toList(), List.of()));
        String checked = check(engine, new ObjectRef("doc", "d"), "read", SubjectRef.object("user", "far"));
        String expanded;
        try {
            engine.expand(new Requests.Expand(new ObjectRef("doc", "d"), "read", Consistency.MINIMIZE_LATENCY));
            expanded = "TREE";
        } catch (KithException.MaxDepthExceeded e) {
            expanded = DEPTH_ERROR;
        }
        assertThat(checked).isEqualTo(hops > 50 ? DEPTH_ERROR : Permissionship.HAS_PERMISSION.name());
        assertThat(expanded).isEqualTo(hops > 50 ? DEPTH_ERROR : "TREE");
    }

    /** Permissions on one object spend no depth in expand either (a limit of 3, five chained permissions). */
    @org.junit.jupiter.api.Test
    void chainedPermissionsOnOneObjectSpendNoDepthInExpand() throws Exception {
        Engine engine = Engines.inMemory(EngineOptions.defaults()
                .withClock(Clock.fixed(NOW, ZoneOffset.UTC))
                .withDepthLimit(3));
        engine.writeSchema("""
                definition user {}
                definition group {
                    relation member: user | group#member
                }
                definition folder {
                    relation viewer: user | group#member
                    permission view = viewer
                }
                definition doc {
                    relation folder: folder
                    permission perm_one = folder->view
                    permission perm_two = perm_one
                    permission perm_three = perm_two
                    permission perm_four = perm_three
                    permission perm_five = perm_four
                }
                """);
        engine.write(new Requests.Write(
                java.util.stream.Stream.of(
                                "doc:d#folder@folder:f",
                                "folder:f#viewer@group:a#member",
                                "group:a#member@group:b#member",
                                "group:b#member@user:u")
                        .map(Relationship::parse)
                        .map(RelationshipUpdate::touch)
                        .toList(),
                List.of()));
        assertThat(check(engine, new ObjectRef("doc", "d"), "perm_five", SubjectRef.object("user", "u")))
                .isEqualTo(Permissionship.HAS_PERMISSION.name());
        Results.Expand tree = engine.expand(
                new Requests.Expand(new ObjectRef("doc", "d"), "perm_five", Consistency.MINIMIZE_LATENCY));
        assertThat(tree.root()).isNotNull();
    }

    /** Every object of a chain's type (lookup-resources answers for all of them) and one never written. */
    /**
     * Depth bounds carried from one revision to the next (and the closure's, kept per write) follow the writes: a
     * folder chain and a group chain grow one link per write from 48 to 52 hops, with a write elsewhere in between
     * (which carries the bounds over), and after each write lookup-resources answers exactly as check of every
     * object does, the depth error from the revision that makes a chain too long on. Deleting the last links makes
     * the lookups answer again.
     */
    @ParameterizedTest(name = "closure index {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void boundsFollowWritesThatGrowAChainPastTheLimit(boolean closureIndex) throws Exception {
        Engine engine = Engines.inMemory(EngineOptions.defaults()
                .withClock(Clock.fixed(NOW, ZoneOffset.UTC))
                .withClosureIndex(closureIndex));
        engine.writeSchema(SCHEMA);
        List<Relationship> rels = new ArrayList<>(chain("folders", 48));
        rels.addAll(chain("groups", 48));
        rels = new ArrayList<>(rels.stream().distinct().toList());
        engine.write(
                new Requests.Write(rels.stream().map(RelationshipUpdate::touch).toList(), List.of()));
        for (int hops = 48; hops <= 52; hops++) {
            if (hops > 48) {
                String folder = "folder:f" + (hops - 1) + "#parent@folder:f" + hops;
                String group = "group:g" + (hops - 1) + "#member@group:g" + hops + "#member";
                Fixture.touch(engine, folder, group);
                rels.add(Relationship.parse(folder));
                rels.add(Relationship.parse(group));
            }
            for (int round = 0; round < 2; round++) {
                // the second round reads a revision written elsewhere: the bounds are carried over
                if (round == 1) {
                    Fixture.touch(engine, "doc:other" + hops + "#viewer@user:near");
                    rels.add(Relationship.parse("doc:other" + hops + "#viewer@user:near"));
                }
                NaiveEvaluator reach = reach(rels);
                for (String[] tp :
                        new String[][] {{"folder", "view", "f"}, {"group", "member", "g"}, {"doc", "view", ""}}) {
                    List<String> ids = tp[0].equals("doc") ? List.of("d", "e", "other" + hops) : universe(tp[2], hops);
                    for (String u : List.of("far", "mid", "nobody")) {
                        Map<String, String> outcomes = new TreeMap<>();
                        for (String id : ids) {
                            ObjectRef resource = new ObjectRef(tp[0], id);
                            if (!reaches(reach, resource, tp[1], u)) continue;
                            outcomes.put(id, check(engine, resource, tp[1], SubjectRef.object("user", u)));
                        }
                        assertThat(lookupResources(engine, tp[0], tp[1], u))
                                .as(tp[0] + "#" + tp[1] + "@user:" + u + " at " + hops + " hops, round " + round)
                                .isEqualTo(expected(outcomes));
                    }
                }
            }
        }
        Fixture.delete(engine, "folder:f51#parent@folder:f52", "group:g51#member@group:g52#member");
        Fixture.delete(engine, "folder:f50#parent@folder:f51", "group:g50#member@group:g51#member");
        assertThat(lookupResources(engine, "folder", "view", "nobody")).isEqualTo("{}");
        assertThat(lookupResources(engine, "group", "member", "nobody")).isEqualTo("{}");
    }

    /** The oracle of {@link #REACH_SCHEMA} over {@code rels}. */
    private static NaiveEvaluator reach(List<Relationship> rels) throws dev.kith.schema.SchemaException {
        return new NaiveEvaluator(Schemas.compile("reach", REACH_SCHEMA), rels, NOW);
    }

    /** Whether the walk from user {@code u} up reaches {@code resource}'s {@code perm}. */
    private static boolean reaches(NaiveEvaluator reach, ObjectRef resource, String perm, String u) {
        return reach.check(resource, perm, SubjectRef.object("user", u), Map.of())
                        .permissionship()
                != Permissionship.NO_PERMISSION;
    }

    private static List<String> universe(String prefix, int hops) {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= hops; i++) ids.add(prefix + i);
        ids.add("never");
        return ids;
    }

    /**
     * What a lookup over these check outcomes (of the objects it reaches) must give: the depth error if any, else
     * the granted ones.
     */
    private static String expected(Map<String, String> outcomes) {
        if (outcomes.containsValue(DEPTH_ERROR)) return DEPTH_ERROR;
        Map<String, String> granted = new TreeMap<>();
        outcomes.forEach((k, v) -> {
            if (!v.equals(Permissionship.NO_PERMISSION.name())) granted.put(k, v);
        });
        return granted.toString();
    }

    private static String check(Engine engine, ObjectRef resource, String perm, SubjectRef subject) {
        try {
            return engine.check(Requests.Check.of(resource, perm, subject))
                    .permissionship()
                    .name();
        } catch (KithException.MaxDepthExceeded e) {
            return DEPTH_ERROR;
        }
    }

    /** The resources (of the universe) lookup-resources grants, or the depth error. */
    private static String lookupResources(Engine engine, String type, String perm, String user) {
        try {
            Map<String, String> got = new TreeMap<>();
            for (Results.LookupResource r : engine.lookupResources(new Requests.LookupResources(
                            type, perm, SubjectRef.object("user", user), Map.of(), null, null, 0))
                    .items()) {
                got.put(r.resourceId(), r.permissionship().name());
            }
            return got.toString();
        } catch (KithException.MaxDepthExceeded e) {
            return DEPTH_ERROR;
        }
    }

    /**
     * What lookup-subjects says of each user of the universe (a wildcard never occurs here, so a user not
     * returned is NO), or the depth error.
     */
    private static String lookupSubjects(Engine engine, ObjectRef resource, String perm) {
        try {
            Map<String, String> got = new TreeMap<>();
            for (Results.LookupSubject s : engine.lookupSubjects(
                            new Requests.LookupSubjects(resource, perm, "user", null, Map.of(), null, null, 0))
                    .items()) {
                got.put(s.subjectId(), s.permissionship().name());
            }
            return got.toString();
        } catch (KithException.MaxDepthExceeded e) {
            return DEPTH_ERROR;
        }
    }
}
