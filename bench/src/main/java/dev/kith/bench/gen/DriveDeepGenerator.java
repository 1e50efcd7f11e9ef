package dev.kith.bench.gen;

import dev.kith.bench.data.DatasetWriter;
import java.util.Random;

/**
 * The drive-deep dataset: drive's schema over deep folder trees. At scale 1: 20,000 users; 2,000 groups in four
 * nesting levels (as drive); 300,000 folders in 1,000 trees, each tree with its own depth limit of 10–30 folders: a
 * spine of that many nested folders first, then every other folder under a random earlier folder of its tree
 * (moved up while that would pass the limit); every folder with an owner, one in ten with an editor, one in five
 * with a viewer; 100,000 documents, each in a random folder, with drive's grants, public links and bans: about
 * 1.1M relationships. Queries (half allowed, half denied; documents nine in ten) and lookups come from
 * {@link DriveQueries}.
 */
final class DriveDeepGenerator implements Generator {
    static final int MIN_DEPTH = 10;
    static final int MAX_DEPTH = 30;

    private final double scale;
    private final Random random;

    DriveDeepGenerator(double scale, Random random) {
        this.scale = scale;
        this.random = random;
    }

    @Override
    public String schema() {
        return DriveGenerator.SCHEMA;
    }

    @Override
    public void write(DatasetWriter out) {
        DriveWorld world = build();
        DriveGenerator.writeRelationships(world, out);
        DriveQueries queries = new DriveQueries(world, new DriveTruth(world), random);
        queries.writeQueries(out, Generator.scaled(100_000, scale, 100), 1);
        queries.writeLookups(out, Generator.scaled(200, scale, 10));
    }

    DriveWorld build() {
        DriveWorld world = new DriveWorld(
                Generator.scaled(20_000, scale, 20),
                Generator.scaled(2_000, scale, 8),
                Generator.scaled(300_000, scale, 2 * MAX_DEPTH),
                Generator.scaled(100_000, scale, 20));
        DriveGenerator.buildGroups(world, random);
        int trees = Math.max(1, world.folders / 300);
        for (int tree = 0; tree < trees; tree++) {
            int first = (int) ((long) tree * world.folders / trees);
            int end = (int) ((long) (tree + 1) * world.folders / trees);
            int limit = Math.min(end - first, MIN_DEPTH + random.nextInt(MAX_DEPTH - MIN_DEPTH + 1));
            for (int folder = first + 1; folder < end; folder++) {
                int parent = folder < first + limit ? folder - 1 : first + random.nextInt(folder - first);
                while (world.folderDepth[parent] >= limit - 1) {
                    parent = world.folderParent[parent];
                }
                world.setFolderParent(folder, parent);
            }
        }
        for (int folder = 0; folder < world.folders; folder++) {
            world.grantFolder(folder, DriveWorld.OWNER, DriveWorld.USER, random.nextInt(world.users));
            if (random.nextInt(10) == 0) {
                grant(world, folder, true, DriveWorld.EDITOR, 7);
            }
            if (random.nextInt(5) == 0) {
                grant(world, folder, true, DriveWorld.VIEWER, 6);
            }
        }
        for (int document = 0; document < world.documents; document++) {
            world.setDocumentFolder(document, random.nextInt(world.folders));
            world.grantDocument(document, DriveWorld.OWNER, DriveWorld.USER, random.nextInt(world.users));
            if (random.nextBoolean()) {
                grant(world, document, false, DriveWorld.EDITOR, 8);
            }
            int viewers = random.nextInt(3);
            for (int i = 0; i < viewers; i++) {
                grant(world, document, false, DriveWorld.VIEWER, 7);
            }
            if (random.nextInt(100) == 0) {
                world.grantDocument(document, DriveWorld.VIEWER, DriveWorld.WILDCARD, 0);
            }
            if (random.nextInt(100) < 3) {
                grant(world, document, false, DriveWorld.BANNED, 7);
            }
        }
        return world;
    }

    private void grant(DriveWorld world, int target, boolean folder, int relation, int userTenths) {
        DriveGenerator.grantUserOrGroup(world, random, target, folder, relation, userTenths);
    }
}
