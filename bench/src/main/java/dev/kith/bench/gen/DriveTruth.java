package dev.kith.bench.gen;

import java.util.BitSet;

/**
 * The expected answers of the drive schema, computed straight from a {@link DriveWorld}:
 *
 * <ul>
 *   <li>folder {@code edit = owner + editor + parent->edit}, {@code view = viewer + edit + parent->view}: a grant
 *       on the folder or any ancestor;
 *   <li>document {@code edit = (owner + editor + parent->edit) - banned} and
 *       {@code view = (viewer + owner + editor + parent->view) - banned}: a grant on the document or its folder
 *       chain, unless the user is banned (directly or through a group) on the document.
 * </ul>
 *
 * A user is in a group if it is a direct member of it or of a group nested in it; {@code user:*} matches every user.
 */
final class DriveTruth {
    /** The two permissions of folders and documents. */
    enum Permission {
        VIEW("view"),
        EDIT("edit");

        final String schemaName;

        Permission(String schemaName) {
            this.schemaName = schemaName;
        }

        /** Whether a grant of {@code relation} gives this permission (the ban is handled apart). */
        boolean grantedBy(int relation) {
            return switch (this) {
                case VIEW ->
                    relation == DriveWorld.OWNER || relation == DriveWorld.EDITOR || relation == DriveWorld.VIEWER;
                case EDIT -> relation == DriveWorld.OWNER || relation == DriveWorld.EDITOR;
            };
        }
    }

    private final DriveWorld world;

    DriveTruth(DriveWorld world) {
        this.world = world;
    }

    /** The groups a user is in, directly or through nesting. */
    BitSet groupsOf(int user) {
        return NestedGroups.closure(world.userGroups[user], world.groupParents);
    }

    /** Whether {@code user} has {@code permission} on {@code document}. */
    boolean checkDocument(int document, Permission permission, int user) {
        BitSet groups = groupsOf(user);
        IntList grants = world.documentGrants[document];
        if (isBanned(grants, user, groups)) {
            return false;
        }
        if (granted(grants, permission, user, groups)) {
            return true;
        }
        int folder = world.documentFolder[document];
        return folder >= 0 && checkFolder(folder, permission, user, groups);
    }

    /** Whether {@code user} has {@code permission} on {@code folder}. */
    boolean checkFolder(int folder, Permission permission, int user) {
        return checkFolder(folder, permission, user, groupsOf(user));
    }

    private boolean checkFolder(int folder, Permission permission, int user, BitSet groups) {
        for (int f = folder; f >= 0; f = world.folderParent[f]) {
            if (granted(world.folderGrants[f], permission, user, groups)) {
                return true;
            }
        }
        return false;
    }

    /** How many folders the user has {@code permission} on. */
    int folderLookupCount(Permission permission, int user) {
        return folderSet(permission, user, groupsOf(user)).cardinality();
    }

    /** How many documents the user has {@code permission} on. */
    int documentLookupCount(Permission permission, int user) {
        BitSet groups = groupsOf(user);
        BitSet folders = folderSet(permission, user, groups);
        int count = 0;
        for (int d = 0; d < world.documents; d++) {
            IntList grants = world.documentGrants[d];
            int folder = world.documentFolder[d];
            if (!isBanned(grants, user, groups)
                    && ((folder >= 0 && folders.get(folder)) || granted(grants, permission, user, groups))) {
                count++;
            }
        }
        return count;
    }

    /** The folders with the permission: parents come first, so one pass in index order inherits correctly. */
    private BitSet folderSet(Permission permission, int user, BitSet groups) {
        BitSet found = new BitSet(world.folders);
        for (int f = 0; f < world.folders; f++) {
            int parent = world.folderParent[f];
            if ((parent >= 0 && found.get(parent)) || granted(world.folderGrants[f], permission, user, groups)) {
                found.set(f);
            }
        }
        return found;
    }

    private static boolean granted(IntList grants, Permission permission, int user, BitSet groups) {
        for (int i = 0; i < grants.size(); i++) {
            int code = grants.get(i);
            if (permission.grantedBy(DriveWorld.relation(code)) && matches(code, user, groups)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isBanned(IntList grants, int user, BitSet groups) {
        for (int i = 0; i < grants.size(); i++) {
            int code = grants.get(i);
            if (DriveWorld.relation(code) == DriveWorld.BANNED && matches(code, user, groups)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(int code, int user, BitSet groups) {
        int id = DriveWorld.id(code);
        return switch (DriveWorld.kind(code)) {
            case DriveWorld.USER -> id == user;
            case DriveWorld.GROUP -> groups.get(id);
            default -> true;
        };
    }
}
