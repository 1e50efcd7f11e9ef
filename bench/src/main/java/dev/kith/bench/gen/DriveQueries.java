package dev.kith.bench.gen;

import dev.kith.bench.data.DatasetWriter;
import dev.kith.bench.data.Expectation;
import dev.kith.bench.data.Lookup;
import dev.kith.bench.data.Query;
import dev.kith.bench.gen.DriveTruth.Permission;
import java.util.OptionalLong;
import java.util.Random;

/**
 * The queries and lookups of the datasets shaped like drive (groups, drive-deep, docs), balanced by construction:
 * even-numbered queries are allowed and odd-numbered ones denied. Each query draws candidates (an object, and a
 * user who some grant on the object, its folder chain or a group nested under a granted group names, or any user)
 * until {@link DriveTruth} gives the wanted answer, at most {@value #ATTEMPTS} times; the expectation written is
 * always the truth's answer for the candidate kept, never the wish.
 */
final class DriveQueries {
    private static final int ATTEMPTS = 32;
    /** How far down the nesting an aimed user may be found below a granted group. */
    private static final int MAX_DESCENT = 24;

    private final DriveWorld world;
    private final DriveTruth truth;
    private final Random random;
    private final IntList[] groupChildren;

    DriveQueries(DriveWorld world, DriveTruth truth, Random random) {
        this.world = world;
        this.truth = truth;
        this.random = random;
        groupChildren = IntList.array(world.groups);
        for (int child = 0; child < world.groups; child++) {
            for (int i = 0; i < world.groupParents[child].size(); i++) {
                groupChildren[world.groupParents[child].get(i)].add(child);
            }
        }
    }

    /**
     * Writes {@code count} queries, {@code view} seven in ten, the rest {@code edit}; {@code folderTenths} in ten
     * on folders (when there are folders), the rest on documents.
     */
    void writeQueries(DatasetWriter out, int count, int folderTenths) {
        for (int q = 0; q < count; q++) {
            Permission permission = random.nextInt(10) < 7 ? Permission.VIEW : Permission.EDIT;
            boolean wanted = q % 2 == 0;
            boolean document = true;
            int object = 0;
            int user = 0;
            boolean allowed = false;
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                document = world.folders == 0 || random.nextInt(10) >= folderTenths;
                object = random.nextInt(document ? world.documents : world.folders);
                user = wanted || random.nextBoolean() ? aimedUser(document, object) : random.nextInt(world.users);
                allowed = document
                        ? truth.checkDocument(object, permission, user)
                        : truth.checkFolder(object, permission, user);
                if (allowed == wanted) {
                    break;
                }
            }
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

    /**
     * A user named by a grant on the document or on a random folder of its chain; through a group, a direct
     * member of that group or of one nested under it, up to {@value #MAX_DESCENT} levels down.
     */
    private int aimedUser(boolean document, int object) {
        IntList grants;
        int folder = document ? world.documentFolder[object] : object;
        if (folder < 0 || (document && random.nextBoolean())) {
            grants = world.documentGrants[object];
        } else {
            int steps = random.nextInt(world.folderDepth[folder] + 1);
            for (int i = 0; i < steps; i++) {
                folder = world.folderParent[folder];
            }
            grants = world.folderGrants[folder];
        }
        if (grants.isEmpty()) {
            return random.nextInt(world.users);
        }
        int code = grants.get(random.nextInt(grants.size()));
        return switch (DriveWorld.kind(code)) {
            case DriveWorld.USER -> DriveWorld.id(code);
            case DriveWorld.GROUP -> memberBelow(DriveWorld.id(code));
            default -> random.nextInt(world.users);
        };
    }

    private int memberBelow(int group) {
        int g = group;
        int steps = random.nextInt(MAX_DESCENT + 1);
        for (int i = 0; i < steps && !groupChildren[g].isEmpty(); i++) {
            g = groupChildren[g].get(random.nextInt(groupChildren[g].size()));
        }
        IntList members = world.groupUsers[g];
        return members.isEmpty() ? random.nextInt(world.users) : members.get(random.nextInt(members.size()));
    }

    /**
     * Writes {@code count} lookups for random users: {@code document#view}, {@code document#edit} (every third),
     * and, when there are folders, every fourth on {@code folder}.
     */
    void writeLookups(DatasetWriter out, int count) {
        for (int i = 0; i < count; i++) {
            int user = random.nextInt(world.users);
            Permission permission = i % 3 == 2 ? Permission.EDIT : Permission.VIEW;
            boolean folders = world.folders > 0 && i % 4 == 3;
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
