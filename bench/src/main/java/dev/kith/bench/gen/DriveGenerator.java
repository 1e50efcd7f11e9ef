package dev.kith.bench.gen;

import dev.kith.bench.data.DatasetWriter;
import dev.kith.bench.data.Expectation;
import dev.kith.bench.data.Lookup;
import dev.kith.bench.data.Query;
import dev.kith.bench.gen.DriveTruth.Permission;
import java.util.OptionalLong;
import java.util.Random;

/**
 * The drive dataset. At scale 1: 20,000 users; 2,000 groups in four nesting levels; 50,000 folders in a forest
 * of 500 trees up to 10 levels deep, each with an owner and often an editor or viewer; 240,000 documents, each in
 * a folder with an owner, editors and viewers (users or groups), one in a hundred public ({@code user:*}) and three
 * in a hundred with a banned user or group: about 1M relationships.
 */
final class DriveGenerator implements Generator {
    static final String SCHEMA = """
            definition user {}

            definition group {
                relation member: user | group#member
            }

            definition folder {
                relation parent: folder
                relation owner: user
                relation editor: user | group#member
                relation viewer: user | group#member
                permission edit = owner + editor + parent->edit
                permission view = viewer + edit + parent->view
            }

            definition document {
                relation parent: folder
                relation owner: user
                relation editor: user | group#member
                relation viewer: user | user:* | group#member
                relation banned: user | group#member
                permission edit = (owner + editor + parent->edit) - banned
                permission view = (viewer + owner + editor + parent->view) - banned
            }
            """;

    /** Folder depths run from 0 (a root) to this, so a chain has at most 10 folders. */
    private static final int MAX_FOLDER_DEPTH = 9;

    private final double scale;
    private final Random random;

    DriveGenerator(double scale, Random random) {
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
        writeRelationships(world, out);
        DriveTruth truth = new DriveTruth(world);
        writeQueries(world, truth, out);
        writeLookups(world, truth, out);
    }

    DriveWorld build() {
        DriveWorld world = new DriveWorld(
                Generator.scaled(20_000, scale, 20),
                Generator.scaled(2_000, scale, 8),
                Generator.scaled(50_000, scale, 10),
                Generator.scaled(240_000, scale, 20));
        buildGroups(world, random);
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
            if (random.nextInt(10) < 3) {
                grantUserOrGroup(world, folder, true, DriveWorld.EDITOR, 7);
            }
            if (random.nextBoolean()) {
                grantUserOrGroup(world, folder, true, DriveWorld.VIEWER, 6);
            }
        }
        for (int document = 0; document < world.documents; document++) {
            world.setDocumentFolder(document, random.nextInt(world.folders));
            world.grantDocument(document, DriveWorld.OWNER, DriveWorld.USER, random.nextInt(world.users));
            int editors = random.nextInt(2);
            for (int i = 0; i < editors; i++) {
                grantUserOrGroup(world, document, false, DriveWorld.EDITOR, 8);
            }
            int viewers = random.nextInt(3);
            for (int i = 0; i < viewers; i++) {
                grantUserOrGroup(world, document, false, DriveWorld.VIEWER, 7);
            }
            if (random.nextInt(100) == 0) {
                world.grantDocument(document, DriveWorld.VIEWER, DriveWorld.WILDCARD, 0);
            }
            if (random.nextInt(100) < 3) {
                ban(world, document);
            }
        }
        return world;
    }

    /**
     * Fills drive's groups: 3–14 users each, in four nesting levels (40, 30, 20 and 10 % of the groups), each group
     * below the first level nested in one (three times in ten two) groups of the level above.
     */
    static void buildGroups(DriveWorld world, Random random) {
        int[] levelStart = {
            0,
            Math.max(1, world.groups * 4 / 10),
            Math.max(2, world.groups * 7 / 10),
            Math.max(3, world.groups * 9 / 10)
        };
        for (int group = 0; group < world.groups; group++) {
            int members = 3 + random.nextInt(12);
            for (int i = 0; i < members; i++) {
                int user = random.nextInt(world.users);
                if (!world.groupUsers[group].contains(user)) {
                    world.addGroupUser(group, user);
                }
            }
            int level = group >= levelStart[3] ? 3 : group >= levelStart[2] ? 2 : group >= levelStart[1] ? 1 : 0;
            if (level > 0) {
                int parents = random.nextInt(10) < 3 ? 2 : 1;
                for (int i = 0; i < parents; i++) {
                    int from = levelStart[level - 1];
                    int parent = from + random.nextInt(levelStart[level] - from);
                    if (!world.groupParents[group].contains(parent)) {
                        world.nestGroup(parent, group);
                    }
                }
            }
        }
    }

    private void grantUserOrGroup(DriveWorld world, int target, boolean folder, int relation, int userTenths) {
        grantUserOrGroup(world, random, target, folder, relation, userTenths);
    }

    /** Grants a user (with probability {@code userTenths}/10) or a group. */
    static void grantUserOrGroup(
            DriveWorld world, Random random, int target, boolean folder, int relation, int userTenths) {
        boolean user = random.nextInt(10) < userTenths;
        int id = random.nextInt(user ? world.users : world.groups);
        int kind = user ? DriveWorld.USER : DriveWorld.GROUP;
        if (folder) {
            world.grantFolder(target, relation, kind, id);
        } else {
            world.grantDocument(target, relation, kind, id);
        }
    }

    /** Bans, half the time, a user the document itself grants (so the exclusion matters), else anyone. */
    private void ban(DriveWorld world, int document) {
        IntList grants = world.documentGrants[document];
        if (random.nextBoolean()) {
            int start = random.nextInt(grants.size());
            for (int i = 0; i < grants.size(); i++) {
                int code = grants.get((start + i) % grants.size());
                if (DriveWorld.kind(code) != DriveWorld.WILDCARD) {
                    world.grantDocument(document, DriveWorld.BANNED, DriveWorld.kind(code), DriveWorld.id(code));
                    return;
                }
            }
        }
        grantUserOrGroup(world, document, false, DriveWorld.BANNED, 7);
    }

    /** Writes the world's groups, folders and documents, in that order (shared by the drive-shaped datasets). */
    static void writeRelationships(DriveWorld world, DatasetWriter out) {
        StringBuilder line = new StringBuilder(96);
        NestedGroups.write("group", world.groupUsers, world.groupParents, line, out);
        for (int folder = 0; folder < world.folders; folder++) {
            if (world.folderParent[folder] >= 0) {
                line.setLength(0);
                out.relationship(line.append("folder:")
                        .append(folder)
                        .append("#parent@folder:")
                        .append(world.folderParent[folder]));
            }
            writeGrants("folder:", folder, world.folderGrants[folder], line, out);
        }
        for (int document = 0; document < world.documents; document++) {
            if (world.documentFolder[document] >= 0) {
                line.setLength(0);
                out.relationship(line.append("document:")
                        .append(document)
                        .append("#parent@folder:")
                        .append(world.documentFolder[document]));
            }
            writeGrants("document:", document, world.documentGrants[document], line, out);
        }
    }

    private static void writeGrants(String prefix, int object, IntList grants, StringBuilder line, DatasetWriter out) {
        for (int i = 0; i < grants.size(); i++) {
            int code = grants.get(i);
            line.setLength(0);
            line.append(prefix)
                    .append(object)
                    .append('#')
                    .append(DriveWorld.RELATION_NAMES[DriveWorld.relation(code)])
                    .append('@');
            switch (DriveWorld.kind(code)) {
                case DriveWorld.USER -> line.append("user:").append(DriveWorld.id(code));
                case DriveWorld.GROUP ->
                    line.append("group:").append(DriveWorld.id(code)).append("#member");
                default -> line.append("user:*");
            }
            out.relationship(line);
        }
    }

    /**
     * Queries on documents (nine in ten) and folders: half aimed at a user some grant on the object, its folder
     * chain, a granted group or the ban list names; half at a random user. Expectations come from
     * {@link DriveTruth}.
     */
    private void writeQueries(DriveWorld world, DriveTruth truth, DatasetWriter out) {
        int count = Generator.scaled(100_000, scale, 100);
        for (int q = 0; q < count; q++) {
            Permission permission = random.nextInt(10) < 7 ? Permission.VIEW : Permission.EDIT;
            boolean document = random.nextInt(10) != 0;
            int object = random.nextInt(document ? world.documents : world.folders);
            int user = random.nextBoolean() ? aimedUser(world, document, object) : random.nextInt(world.users);
            boolean allowed = document
                    ? truth.checkDocument(object, permission, user)
                    : truth.checkFolder(object, permission, user);
            out.query(new Query(
                    document ? "document" : "folder",
                    Integer.toString(object),
                    permission.schemaName,
                    "user",
                    Integer.toString(user),
                    "",
                    null,
                    Expectation.of(allowed)));
        }
    }

    /** A user named by a grant on the object or a random ancestor folder (through a group, a member of it). */
    private int aimedUser(DriveWorld world, boolean document, int object) {
        IntList grants;
        if (document && random.nextBoolean()) {
            grants = world.documentGrants[object];
        } else {
            int folder = document ? world.documentFolder[object] : object;
            int steps = random.nextInt(world.folderDepth[folder] + 1);
            for (int i = 0; i < steps; i++) {
                folder = world.folderParent[folder];
            }
            grants = world.folderGrants[folder];
        }
        int code = grants.get(random.nextInt(grants.size()));
        return switch (DriveWorld.kind(code)) {
            case DriveWorld.USER -> DriveWorld.id(code);
            case DriveWorld.GROUP -> {
                IntList members = world.groupUsers[DriveWorld.id(code)];
                yield members.isEmpty() ? random.nextInt(world.users) : members.get(random.nextInt(members.size()));
            }
            default -> random.nextInt(world.users);
        };
    }

    private void writeLookups(DriveWorld world, DriveTruth truth, DatasetWriter out) {
        int count = Generator.scaled(200, scale, 10);
        for (int i = 0; i < count; i++) {
            int user = random.nextInt(world.users);
            Permission permission = i % 3 == 2 ? Permission.EDIT : Permission.VIEW;
            boolean folders = i % 4 == 3;
            long expected =
                    folders ? truth.folderLookupCount(permission, user) : truth.documentLookupCount(permission, user);
            out.lookup(new Lookup(
                    folders ? "folder" : "document",
                    permission.schemaName,
                    "user",
                    Integer.toString(user),
                    "",
                    OptionalLong.of(expected)));
        }
    }
}
