package dev.kith.bench.gen;

import dev.kith.bench.data.DatasetWriter;
import java.util.Random;

/**
 * The docs dataset, object-heavy: drive's schema with many documents and few grants on them. At scale 1: 20,000
 * users; 2,000 groups in four nesting levels (as drive); 20,000 folders in 200 trees up to 10 levels deep (as
 * drive), each with an owner, 1–2 viewers (users or groups) and, one in five, an editor; 1,000,000 documents, each
 * with a parent folder and an owner only: about 2.1M relationships. Queries (half allowed, half denied; documents
 * nine in ten) and lookups come from {@link DriveQueries}.
 */
final class DocsGenerator implements Generator {
    /** Folder depths run from 0 (a root) to this, as in drive. */
    private static final int MAX_FOLDER_DEPTH = 9;

    private final double scale;
    private final Random random;

    DocsGenerator(double scale, Random random) {
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
                Generator.scaled(20_000, scale, 10),
                Generator.scaled(1_000_000, scale, 50));
        DriveGenerator.buildGroups(world, random);
        int roots = Math.max(1, world.folders / 100);
        for (int folder = 0; folder < world.folders; folder++) {
            if (folder >= roots) {
                int parent = random.nextInt(folder);
                while (world.folderDepth[parent] >= MAX_FOLDER_DEPTH) {
                    parent = world.folderParent[parent];
                }
                world.setFolderParent(folder, parent);
            }
            world.grantFolder(folder, DriveWorld.OWNER, DriveWorld.USER, random.nextInt(world.users));
            int viewers = 1 + random.nextInt(2);
            for (int i = 0; i < viewers; i++) {
                DriveGenerator.grantUserOrGroup(world, random, folder, true, DriveWorld.VIEWER, 6);
            }
            if (random.nextInt(5) == 0) {
                DriveGenerator.grantUserOrGroup(world, random, folder, true, DriveWorld.EDITOR, 7);
            }
        }
        for (int document = 0; document < world.documents; document++) {
            world.setDocumentFolder(document, random.nextInt(world.folders));
            world.grantDocument(document, DriveWorld.OWNER, DriveWorld.USER, random.nextInt(world.users));
        }
        return world;
    }
}
