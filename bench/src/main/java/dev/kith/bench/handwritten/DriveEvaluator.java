package dev.kith.bench.handwritten;

import dev.kith.bench.data.Lookup;
import dev.kith.bench.data.Query;
import java.util.Arrays;

/**
 * The hand-written evaluator of drive's schema (datasets drive, drive-deep and docs) and of the groups schema, a
 * subset of it (documents without folders or bans):
 *
 * <ul>
 *   <li>folder {@code edit = owner + editor + parent->edit}, {@code view = viewer + edit + parent->view};
 *   <li>document {@code edit = (owner + editor + parent->edit) - banned}, {@code view = (viewer + owner + editor +
 *       parent->view) - banned}.
 * </ul>
 *
 * <p>What it keeps: each user's full group set ({@link Groups}); each folder's parent in an {@code int[]} (one
 * parent per object); each folder's and document's grants as sorted int codes (relation, subject kind, subject id)
 * in compressed rows. A check scans the document's grants (a ban wins), then walks up the folder chain scanning each
 * folder's grants; a group grant is a binary search in the user's group set. It does not flatten inherited grants
 * down the trees: with 30-deep trees that would multiply the data by the depth.
 *
 * <p>For lookups it also keeps the reverse: for each user and each group, the grants naming it, each folder's
 * children and each folder's documents. A lookup marks the folders granted to the user or its groups, marks their
 * subtrees, then the documents in them and those granted directly (and public ones for {@code view}), and clears
 * the banned ones, all in {@code long[]} bitsets.
 */
final class DriveEvaluator implements HandEvaluator {
    private static final int OWNER = 0;
    private static final int EDITOR = 1;
    private static final int VIEWER = 2;
    private static final int BANNED = 3;
    private static final int USER = 0;
    private static final int GROUP = 1;
    private static final int WILDCARD = 2;
    private static final int ID_BITS = 27;
    private static final int ID_MASK = (1 << ID_BITS) - 1;
    private static final int VIEW = (1 << OWNER) | (1 << EDITOR) | (1 << VIEWER);
    private static final int EDIT = (1 << OWNER) | (1 << EDITOR);
    /** In the reverse index: the grant is on a document (else on a folder). */
    private static final int ON_DOCUMENT = 1 << 30;

    private final Ids users = new Ids();
    private final Ids groups = new Ids();
    private final Ids folders = new Ids();
    private final Ids documents = new Ids();

    private final int[] folderParent;
    private final int[] documentFolder;
    private final Ints.Rows folderGrants;
    private final Ints.Rows documentGrants;
    private final Groups groupSets;

    private final Ints.Rows userReverse;
    private final Ints.Rows groupReverse;
    private final Ints.Rows folderChildren;
    private final Ints.Rows folderDocuments;
    private final int[] publicDocuments;

    /** Reads the relationships (each line once, from {@code lines}). */
    DriveEvaluator(Iterable<Tuple> lines) {
        Ints nestedChild = new Ints();
        Ints nestedParent = new Ints();
        Ints memberUser = new Ints();
        Ints memberGroup = new Ints();
        Ints parentChild = new Ints();
        Ints parentFolder = new Ints();
        Ints documentChild = new Ints();
        Ints documentParent = new Ints();
        Ints folderKeys = new Ints();
        Ints folderCodes = new Ints();
        Ints documentKeys = new Ints();
        Ints documentCodes = new Ints();
        Ints publics = new Ints();
        for (Tuple t : lines) {
            switch (t.shape()) {
                case "group#member@user" -> {
                    memberGroup.add(groups.intern(t.id()));
                    memberUser.add(users.intern(t.subjectId()));
                }
                case "group#member@group#member" -> {
                    nestedParent.add(groups.intern(t.id()));
                    nestedChild.add(groups.intern(t.subjectId()));
                }
                case "folder#parent@folder" -> {
                    parentChild.add(folders.intern(t.id()));
                    parentFolder.add(folders.intern(t.subjectId()));
                }
                case "document#parent@folder" -> {
                    documentChild.add(documents.intern(t.id()));
                    documentParent.add(folders.intern(t.subjectId()));
                }
                default -> {
                    boolean onDocument = t.type().equals("document");
                    if (!onDocument && !t.type().equals("folder")) throw unsupported(t);
                    int object = (onDocument ? documents : folders).intern(t.id());
                    int code = code(t);
                    if (onDocument) {
                        documentKeys.add(object);
                        documentCodes.add(code);
                        if (kind(code) == WILDCARD) publics.add(object);
                    } else {
                        folderKeys.add(object);
                        folderCodes.add(code);
                    }
                }
            }
        }
        folderParent = single(folders.size(), parentChild, parentFolder, "folder");
        documentFolder = single(documents.size(), documentChild, documentParent, "document");
        folderGrants = Ints.Rows.of(folders.size(), folderKeys, folderCodes);
        documentGrants = Ints.Rows.of(documents.size(), documentKeys, documentCodes);
        groupSets = new Groups(groups.size(), users.size(), nestedChild, nestedParent, memberUser, memberGroup);
        Ints userKeys = new Ints();
        Ints userValues = new Ints();
        Ints groupKeys = new Ints();
        Ints groupValues = new Ints();
        reverse(folderKeys, folderCodes, 0, userKeys, userValues, groupKeys, groupValues);
        reverse(documentKeys, documentCodes, ON_DOCUMENT, userKeys, userValues, groupKeys, groupValues);
        userReverse = Ints.Rows.of(users.size(), userKeys, userValues);
        groupReverse = Ints.Rows.of(groups.size(), groupKeys, groupValues);
        folderChildren = Ints.Rows.of(folders.size(), parentFolder, parentChild);
        folderDocuments = Ints.Rows.of(folders.size(), documentParent, documentChild);
        publicDocuments = publics.toArray();
    }

    @Override
    public String name() {
        return "drive";
    }

    /** A grant as one int: relation (2 bits), subject kind (2 bits), subject id (27 bits). */
    private int code(Tuple t) {
        int relation = switch (t.relation()) {
            case "owner" -> OWNER;
            case "editor" -> EDITOR;
            case "viewer" -> VIEWER;
            case "banned" -> BANNED;
            default -> throw unsupported(t);
        };
        int kind;
        int id;
        if (t.subjectType().equals("user") && t.subjectRelation().isEmpty()) {
            boolean wildcard = t.subjectId().equals("*");
            kind = wildcard ? WILDCARD : USER;
            id = wildcard ? 0 : users.intern(t.subjectId());
        } else if (t.subjectType().equals("group") && t.subjectRelation().equals("member")) {
            kind = GROUP;
            id = groups.intern(t.subjectId());
        } else {
            throw unsupported(t);
        }
        if (id > ID_MASK) throw new IllegalArgumentException("more ids than the hand-written drive evaluator packs");
        return (relation << 29) | (kind << ID_BITS) | id;
    }

    /** The one parent of each object, or -1; a second parent is refused. */
    private static int[] single(int objects, Ints children, Ints parents, String type) {
        int[] parent = new int[objects];
        Arrays.fill(parent, -1);
        for (int i = 0; i < children.size(); i++) {
            if (parent[children.get(i)] >= 0) {
                throw new IllegalArgumentException(
                        "the hand-written drive evaluator supports one parent per " + type + ", found a second");
            }
            parent[children.get(i)] = parents.get(i);
        }
        return parent;
    }

    /** Files each user or group grant under its subject: {@code onDocument | relation << 28 | object}. */
    private static void reverse(
            Ints objects,
            Ints codes,
            int onDocument,
            Ints userKeys,
            Ints userValues,
            Ints groupKeys,
            Ints groupValues) {
        for (int i = 0; i < objects.size(); i++) {
            int code = codes.get(i);
            int entry = onDocument | (relation(code) << 28) | objects.get(i);
            switch (kind(code)) {
                case USER -> {
                    userKeys.add(code & ID_MASK);
                    userValues.add(entry);
                }
                case GROUP -> {
                    groupKeys.add(code & ID_MASK);
                    groupValues.add(entry);
                }
                default -> {
                    // public documents are kept apart
                }
            }
        }
    }

    private static int permission(String type, String permission) {
        if (!type.equals("document") && !type.equals("folder")) {
            throw new IllegalArgumentException("the hand-written drive evaluator knows no type " + type);
        }
        return switch (permission) {
            case "view" -> VIEW;
            case "edit" -> EDIT;
            default -> throw new IllegalArgumentException("no permission " + permission + " on " + type);
        };
    }

    private int user(String subjectType, String subjectId, String subjectRelation) {
        if (!subjectType.equals("user") || !subjectRelation.isEmpty()) {
            throw new IllegalArgumentException("the hand-written drive evaluator answers for users only");
        }
        return users.find(subjectId);
    }

    @Override
    public Prepared prepare(Query query) {
        int mask = permission(query.resourceType(), query.permission());
        boolean document = query.resourceType().equals("document");
        int object = (document ? documents : folders).find(query.resourceId());
        int user = user(query.subjectType(), query.subjectId(), query.subjectRelation());
        return new Check(this, document, object, mask, user);
    }

    private record Check(DriveEvaluator evaluator, boolean document, int object, int mask, int user)
            implements Prepared {
        @Override
        public int answer() {
            return evaluator.check(document, object, mask, user);
        }
    }

    /** The check: the document's grants (a ban wins), then up the folder chain; the first matching grant allows. */
    int check(boolean document, int object, int mask, int user) {
        if (object < 0) return FALSE;
        int[] groupValues = groupSets.userGroups.values();
        int from = user < 0 ? 0 : groupSets.userGroups.start()[user];
        int to = user < 0 ? 0 : groupSets.userGroups.start()[user + 1];
        int folder = object;
        if (document) {
            int[] start = documentGrants.start();
            int[] codes = documentGrants.values();
            boolean granted = false;
            for (int i = start[object]; i < start[object + 1]; i++) {
                int code = codes[i];
                if (matches(code, user, groupValues, from, to)) {
                    int relation = relation(code);
                    if (relation == BANNED) return FALSE;
                    granted |= ((mask >>> relation) & 1) != 0;
                }
            }
            if (granted) return TRUE;
            folder = documentFolder[object];
        }
        int[] start = folderGrants.start();
        int[] codes = folderGrants.values();
        for (; folder >= 0; folder = folderParent[folder]) {
            for (int i = start[folder]; i < start[folder + 1]; i++) {
                int code = codes[i];
                if (((mask >>> relation(code)) & 1) != 0 && matches(code, user, groupValues, from, to)) {
                    return TRUE;
                }
            }
        }
        return FALSE;
    }

    private static boolean matches(int code, int user, int[] groupValues, int from, int to) {
        int id = code & ID_MASK;
        return switch (kind(code)) {
            case USER -> id == user;
            case GROUP -> Arrays.binarySearch(groupValues, from, to, id) >= 0;
            default -> true;
        };
    }

    @Override
    public long lookupCount(Lookup lookup) {
        int mask = permission(lookup.resourceType(), lookup.permission());
        int user = user(lookup.subjectType(), lookup.subjectId(), lookup.subjectRelation());
        long[] inFolders = new long[Bits.words(folders.size())];
        long[] inDocuments = new long[Bits.words(documents.size())];
        long[] banned = new long[Bits.words(documents.size())];
        if (user >= 0) {
            mark(userReverse, user, mask, inFolders, inDocuments, banned);
            int[] start = groupSets.userGroups.start();
            for (int i = start[user]; i < start[user + 1]; i++) {
                mark(groupReverse, groupSets.userGroups.values()[i], mask, inFolders, inDocuments, banned);
            }
        }
        markSubtrees(inFolders);
        if (lookup.resourceType().equals("folder")) return Bits.cardinality(inFolders);
        int[] start = folderDocuments.start();
        int[] values = folderDocuments.values();
        for (int f = Bits.nextSet(inFolders, 0); f >= 0; f = Bits.nextSet(inFolders, f + 1)) {
            for (int i = start[f]; i < start[f + 1]; i++) {
                Bits.set(inDocuments, values[i]);
            }
        }
        if ((mask & (1 << VIEWER)) != 0) {
            for (int d : publicDocuments) Bits.set(inDocuments, d);
        }
        long count = 0;
        for (int w = 0; w < inDocuments.length; w++) {
            count += Long.bitCount(inDocuments[w] & ~banned[w]);
        }
        return count;
    }

    /** Marks the objects one subject's grants give the permission on, and the documents that ban it. */
    private static void mark(
            Ints.Rows reverse, int subject, int mask, long[] inFolders, long[] inDocuments, long[] banned) {
        int[] values = reverse.values();
        for (int i = reverse.start()[subject]; i < reverse.start()[subject + 1]; i++) {
            int entry = values[i];
            int relation = (entry >>> 28) & 3;
            int object = entry & ((1 << 28) - 1);
            if ((entry & ON_DOCUMENT) == 0) {
                if (((mask >>> relation) & 1) != 0) Bits.set(inFolders, object);
            } else if (relation == BANNED) {
                Bits.set(banned, object);
            } else if (((mask >>> relation) & 1) != 0) {
                Bits.set(inDocuments, object);
            }
        }
    }

    /** Adds every folder below a marked one (a stack walk down the children rows). */
    private void markSubtrees(long[] inFolders) {
        int[] start = folderChildren.start();
        int[] children = folderChildren.values();
        Ints stack = new Ints();
        for (int f = Bits.nextSet(inFolders, 0); f >= 0; f = Bits.nextSet(inFolders, f + 1)) {
            stack.add(f);
        }
        int[] pending = stack.toArray();
        int top = pending.length;
        while (top > 0) {
            int f = pending[--top];
            for (int i = start[f]; i < start[f + 1]; i++) {
                int child = children[i];
                if (!Bits.get(inFolders, child)) {
                    Bits.set(inFolders, child);
                    if (top == pending.length) pending = Arrays.copyOf(pending, pending.length * 2 + 16);
                    pending[top++] = child;
                }
            }
        }
    }

    private static IllegalArgumentException unsupported(Tuple t) {
        return new IllegalArgumentException("the hand-written drive evaluator has no rule for " + t.shape());
    }

    private static int relation(int code) {
        return code >>> 29;
    }

    private static int kind(int code) {
        return (code >>> ID_BITS) & 3;
    }
}
