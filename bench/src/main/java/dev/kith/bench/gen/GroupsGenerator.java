package dev.kith.bench.gen;

import dev.kith.bench.data.DatasetWriter;
import java.util.Random;

/**
 * The groups dataset, an enterprise directory. At scale 1: 50,000 users; 10,000 groups in 20 nesting levels
 * (a group of level {@code L > 0} is a member of one, one time in ten two, groups of level {@code L - 1}, so a
 * member of a level-19 group reaches 20 groups up the chain and more through the second parents); every user
 * directly in 1–4 groups, one user in five in 10–30; 200,000 documents, each with an owner and 1–3 viewer or
 * editor grants (to a group six times in ten, else to a user): about 0.9M relationships. It is a {@link DriveWorld}
 * without folders, under a schema without folders or bans; queries (half allowed, half denied) and lookups come
 * from {@link DriveQueries}.
 */
final class GroupsGenerator implements Generator {
    static final String SCHEMA = """
            definition user {}

            definition group {
                relation member: user | group#member
            }

            definition document {
                relation owner: user
                relation editor: user | group#member
                relation viewer: user | group#member
                permission edit = owner + editor
                permission view = viewer + edit
            }
            """;

    /** Nesting levels: a chain from a level-19 group up to a level-0 group holds 20 groups. */
    static final int LEVELS = 20;

    private final double scale;
    private final Random random;

    GroupsGenerator(double scale, Random random) {
        this.scale = scale;
        this.random = random;
    }

    @Override
    public String schema() {
        return SCHEMA;
    }

    @Override
    public void write(DatasetWriter out) {
        DriveWorld world = build();
        DriveGenerator.writeRelationships(world, out);
        DriveQueries queries = new DriveQueries(world, new DriveTruth(world), random);
        queries.writeQueries(out, Generator.scaled(100_000, scale, 100), 0);
        queries.writeLookups(out, Generator.scaled(200, scale, 10));
    }

    DriveWorld build() {
        DriveWorld world = new DriveWorld(
                Generator.scaled(50_000, scale, 50),
                Generator.scaled(10_000, scale, 2 * LEVELS),
                0,
                Generator.scaled(200_000, scale, 20));
        int[] levelStart = new int[LEVELS + 1];
        for (int level = 0; level <= LEVELS; level++) {
            levelStart[level] = (int) ((long) level * world.groups / LEVELS);
        }
        int level = 0;
        for (int group = 0; group < world.groups; group++) {
            while (group >= levelStart[level + 1]) {
                level++;
            }
            if (level > 0) {
                int parents = random.nextInt(10) == 0 ? 2 : 1;
                for (int i = 0; i < parents; i++) {
                    int from = levelStart[level - 1];
                    int parent = from + random.nextInt(levelStart[level] - from);
                    if (!world.groupParents[group].contains(parent)) {
                        world.nestGroup(parent, group);
                    }
                }
            }
        }
        for (int user = 0; user < world.users; user++) {
            int memberships = random.nextInt(5) == 0 ? 10 + random.nextInt(21) : 1 + random.nextInt(4);
            for (int i = 0; i < memberships; i++) {
                int group = random.nextInt(world.groups);
                if (!world.userGroups[user].contains(group)) {
                    world.addGroupUser(group, user);
                }
            }
        }
        for (int document = 0; document < world.documents; document++) {
            world.grantDocument(document, DriveWorld.OWNER, DriveWorld.USER, random.nextInt(world.users));
            int grants = 1 + random.nextInt(3);
            for (int i = 0; i < grants; i++) {
                int relation = random.nextInt(10) < 7 ? DriveWorld.VIEWER : DriveWorld.EDITOR;
                boolean group = random.nextInt(10) < 6;
                world.grantDocument(
                        document,
                        relation,
                        group ? DriveWorld.GROUP : DriveWorld.USER,
                        random.nextInt(group ? world.groups : world.users));
            }
        }
        return world;
    }
}
