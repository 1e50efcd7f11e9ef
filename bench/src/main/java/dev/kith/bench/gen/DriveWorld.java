package dev.kith.bench.gen;

import java.util.Arrays;

/**
 * The drive dataset as plain arrays: users in nested groups, a forest of folders ({@code parent} links, parents
 * always have smaller indexes), and documents in folders. Every grant on a folder or document is one int: its
 * relation, the kind of subject and the subject's index (see {@link #code}).
 */
final class DriveWorld {
    static final int OWNER = 0;
    static final int EDITOR = 1;
    static final int VIEWER = 2;
    static final int BANNED = 3;
    static final String[] RELATION_NAMES = {"owner", "editor", "viewer", "banned"};

    static final int USER = 0;
    static final int GROUP = 1;
    static final int WILDCARD = 2;

    final int users;
    final int groups;
    final int folders;
    final int documents;

    final IntList[] groupUsers;
    final IntList[] userGroups;
    /** For each group, the groups it is nested in ({@code group:parent#member@group:child#member}). */
    final IntList[] groupParents;

    final int[] folderParent;
    final int[] folderDepth;
    final IntList[] folderGrants;
    final int[] documentFolder;
    final IntList[] documentGrants;

    DriveWorld(int users, int groups, int folders, int documents) {
        this.users = users;
        this.groups = groups;
        this.folders = folders;
        this.documents = documents;
        groupUsers = IntList.array(groups);
        userGroups = IntList.array(users);
        groupParents = IntList.array(groups);
        folderParent = new int[folders];
        Arrays.fill(folderParent, -1);
        folderDepth = new int[folders];
        folderGrants = IntList.array(folders);
        documentFolder = new int[documents];
        Arrays.fill(documentFolder, -1);
        documentGrants = IntList.array(documents);
    }

    static int code(int relation, int kind, int id) {
        return (relation << 28) | (kind << 26) | id;
    }

    static int relation(int code) {
        return code >>> 28;
    }

    static int kind(int code) {
        return (code >>> 26) & 3;
    }

    static int id(int code) {
        return code & ((1 << 26) - 1);
    }

    void addGroupUser(int group, int user) {
        groupUsers[group].add(user);
        userGroups[user].add(group);
    }

    void nestGroup(int parent, int child) {
        groupParents[child].add(parent);
    }

    /** Puts {@code folder} under {@code parent}, which must have a smaller index. */
    void setFolderParent(int folder, int parent) {
        if (parent >= folder) {
            throw new IllegalArgumentException("a folder's parent must come before it: " + parent + " ≥ " + folder);
        }
        folderParent[folder] = parent;
        folderDepth[folder] = folderDepth[parent] + 1;
    }

    /** Adds a grant to a folder unless it is already there; returns whether it was added. */
    boolean grantFolder(int folder, int relation, int kind, int id) {
        return addGrant(folderGrants[folder], code(relation, kind, id));
    }

    void setDocumentFolder(int document, int folder) {
        documentFolder[document] = folder;
    }

    /** Adds a grant to a document unless it is already there; returns whether it was added. */
    boolean grantDocument(int document, int relation, int kind, int id) {
        return addGrant(documentGrants[document], code(relation, kind, id));
    }

    private static boolean addGrant(IntList grants, int code) {
        if (grants.contains(code)) {
            return false;
        }
        grants.add(code);
        return true;
    }
}
