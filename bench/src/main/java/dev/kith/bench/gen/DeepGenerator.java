package dev.kith.bench.gen;

import dev.kith.bench.data.DatasetWriter;
import dev.kith.bench.data.Expectation;
import dev.kith.bench.data.Lookup;
import dev.kith.bench.data.Query;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The deep dataset: one delegation chain of groups for each of the depths 10, 25, 45 and 60
 * ({@code group:c45_0#member@group:c45_1#member}, …, users at every level, and {@code resource:c45} viewed by the
 * chain's first group), and rings of 2 to 6 groups that contain each other. The structure is fixed; {@code scale}
 * multiplies the users per group (3 at scale 1) and the number of rings (100 at scale 1). Nothing is random, so
 * the seed does not change it. Expectations come from {@link DeepTruth}: the 60-level chain's far end is an error
 * (depth exceeded), cycles terminate ({@code false} when the subject is not in them).
 */
final class DeepGenerator implements Generator {
    static final int[] CHAIN_DEPTHS = {10, 25, 45, 60};

    static final String SCHEMA = """
            definition user {}

            definition group {
                relation member: user | group#member
            }

            definition resource {
                relation viewer: user | group#member
                permission view = viewer
            }
            """;

    private static final String NOBODY = "nobody";

    private final int usersPerGroup;
    private final int rings;

    DeepGenerator(double scale) {
        usersPerGroup = Generator.scaled(3, scale, 1);
        rings = Generator.scaled(100, scale, 2);
    }

    @Override
    public String schema() {
        return SCHEMA;
    }

    @Override
    public void write(DatasetWriter out) {
        DeepWorld world = build();
        writeRelationships(world, out);
        DeepTruth truth = new DeepTruth(world);
        writeQueries(truth, out);
        writeLookups(truth, out);
    }

    static String chainGroup(int depth, int level) {
        return "c" + depth + "_" + level;
    }

    static String chainUser(int depth, int level, int index) {
        return "u" + depth + "_" + level + "_" + index;
    }

    static String ringGroup(int ring, int index) {
        return "ring" + ring + "_" + index;
    }

    static String ringUser(int ring, int index, int user) {
        return "r" + ring + "_" + index + "_" + user;
    }

    static int ringSize(int ring) {
        return 2 + ring % 5;
    }

    DeepWorld build() {
        DeepWorld world = new DeepWorld();
        for (int depth : CHAIN_DEPTHS) {
            for (int level = 0; level < depth; level++) {
                world.addGroup(chainGroup(depth, level));
                if (level + 1 < depth) {
                    world.nest(chainGroup(depth, level), chainGroup(depth, level + 1));
                }
                for (int u = 0; u < usersPerGroup; u++) {
                    world.addUser(chainGroup(depth, level), chainUser(depth, level, u));
                }
            }
            world.setViewer("c" + depth, chainGroup(depth, 0));
        }
        for (int ring = 0; ring < rings; ring++) {
            int size = ringSize(ring);
            for (int i = 0; i < size; i++) {
                world.nest(ringGroup(ring, i), ringGroup(ring, (i + 1) % size));
                for (int u = 0; u < usersPerGroup; u++) {
                    world.addUser(ringGroup(ring, i), ringUser(ring, i, u));
                }
            }
            world.setViewer("ring" + ring, ringGroup(ring, 0));
        }
        return world;
    }

    private static void writeRelationships(DeepWorld world, DatasetWriter out) {
        for (Map.Entry<String, List<String>> entry : world.memberSets.entrySet()) {
            for (String child : entry.getValue()) {
                out.relationship("group:" + entry.getKey() + "#member@group:" + child + "#member");
            }
            for (String user : world.memberUsers.get(entry.getKey())) {
                out.relationship("group:" + entry.getKey() + "#member@user:" + user);
            }
        }
        for (Map.Entry<String, String> entry : world.resourceViewer.entrySet()) {
            out.relationship("resource:" + entry.getKey() + "#viewer@group:" + entry.getValue() + "#member");
        }
    }

    private void writeQueries(DeepTruth truth, DatasetWriter out) {
        for (int depth : CHAIN_DEPTHS) {
            String first = chainGroup(depth, 0);
            String farUser = chainUser(depth, depth - 1, usersPerGroup - 1);
            for (int level = 0; level < depth; level++) {
                String group = chainGroup(depth, level);
                String user = chainUser(depth, level, 0);
                emit(out, "group", first, "member", user, "", truth.checkUser(first, user));
                emit(out, "group", group, "member", farUser, "", truth.checkUser(group, farUser));
                emit(out, "group", group, "member", NOBODY, "", truth.checkUser(group, NOBODY));
                emit(out, "group", first, "member", group, "member", truth.checkGroupSet(first, group));
                emit(out, "resource", "c" + depth, "view", user, "", truth.checkResource("c" + depth, user));
            }
            emit(out, "resource", "c" + depth, "view", NOBODY, "", truth.checkResource("c" + depth, NOBODY));
        }
        for (int ring = 0; ring < rings; ring++) {
            String first = ringGroup(ring, 0);
            for (int i = 0; i < ringSize(ring); i++) {
                String user = ringUser(ring, i, 0);
                emit(out, "group", first, "member", user, "", truth.checkUser(first, user));
                emit(
                        out,
                        "group",
                        ringGroup(ring, i),
                        "member",
                        NOBODY,
                        "",
                        truth.checkUser(ringGroup(ring, i), NOBODY));
                emit(
                        out,
                        "group",
                        first,
                        "member",
                        ringGroup(ring, i),
                        "member",
                        truth.checkGroupSet(first, ringGroup(ring, i)));
                emit(out, "resource", "ring" + ring, "view", user, "", truth.checkResource("ring" + ring, user));
            }
        }
    }

    /** Writes one query, unless its answer depends on how depth is counted near the limit. */
    private static void emit(
            DatasetWriter out,
            String type,
            String id,
            String permission,
            String subject,
            String subjectRelation,
            Expectation expected) {
        if (expected != DeepTruth.AMBIGUOUS) {
            String subjectType = subjectRelation.isEmpty() ? "user" : "group";
            out.query(new Query(type, id, permission, subjectType, subject, subjectRelation, null, expected));
        }
    }

    private void writeLookups(DeepTruth truth, DatasetWriter out) {
        for (int depth : CHAIN_DEPTHS) {
            for (int level = 0; level < depth; level++) {
                lookups(truth, out, chainUser(depth, level, 0));
            }
        }
        for (int ring = 0; ring < rings; ring++) {
            lookups(truth, out, ringUser(ring, 0, 0));
        }
    }

    private static void lookups(DeepTruth truth, DatasetWriter out, String user) {
        int groups = truth.lookupGroups(user);
        if (groups >= 0) {
            out.lookup(new Lookup("group", "member", "user", user, "", OptionalLong.of(groups)));
        }
        int resources = truth.lookupResources(user);
        if (resources >= 0) {
            out.lookup(new Lookup("resource", "view", "user", user, "", OptionalLong.of(resources)));
        }
    }
}
