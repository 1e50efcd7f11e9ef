package dev.kith.bench.handwritten;

import dev.kith.bench.data.Lookup;
import dev.kith.bench.data.Query;
import java.util.Arrays;

/**
 * The hand-written evaluator of the deep schema: groups whose members are users and other groups' members, and
 * resources whose {@code view} is their {@code viewer}, with kith's depth limit of {@value #LIMIT}: a check that
 * needs more subject-set expansions than that (two more for a resource's {@code view}) is an {@link #ERROR}.
 *
 * <p>What it precomputes: for every group, every group it reaches through nested member sets with the fewest
 * expansions to each (a breadth-first search per group, sorted by group for binary search), and the longest
 * expansion path that never revisits a group (what a search for a non-member must walk; cycles are cut where
 * they close). A check then takes the nearest of the user's direct groups in the reach of the asked group: found
 * within the limit is {@link #TRUE}; not found is {@link #FALSE} if the longest path stays within the limit,
 * else {@link #ERROR}. Lookups walk up from the user's direct groups.
 */
final class DeepEvaluator implements HandEvaluator {
    /** kith's default depth limit. */
    static final int LIMIT = 50;

    private static final int UNREACHED = Integer.MAX_VALUE;
    /** Steps of the longest-path search per group before it gives up and calls the path unbounded. */
    private static final int LONGEST_PATH_BUDGET = 1_000_000;

    private final Ids users = new Ids();
    private final Ids groups = new Ids();
    private final Ids resources = new Ids();

    private final Ints.Rows children;
    private final Ints.Rows parents;
    private final Ints.Rows userGroups;
    private final Ints.Rows resourceGroups;
    private final Ints.Rows resourceUsers;
    private final int[] reachStart;
    private final int[] reachGroup;
    private final int[] reachHops;
    private final int[] longest;

    DeepEvaluator(Iterable<Tuple> lines) {
        Ints parentKeys = new Ints();
        Ints childValues = new Ints();
        Ints memberUser = new Ints();
        Ints memberGroup = new Ints();
        Ints resourceGroupKeys = new Ints();
        Ints resourceGroupValues = new Ints();
        Ints resourceUserKeys = new Ints();
        Ints resourceUserValues = new Ints();
        for (Tuple t : lines) {
            switch (t.shape()) {
                case "group#member@user" -> {
                    memberGroup.add(groups.intern(t.id()));
                    memberUser.add(users.intern(t.subjectId()));
                }
                case "group#member@group#member" -> {
                    parentKeys.add(groups.intern(t.id()));
                    childValues.add(groups.intern(t.subjectId()));
                }
                case "resource#viewer@user" -> {
                    resourceUserKeys.add(resources.intern(t.id()));
                    resourceUserValues.add(users.intern(t.subjectId()));
                }
                case "resource#viewer@group#member" -> {
                    resourceGroupKeys.add(resources.intern(t.id()));
                    resourceGroupValues.add(groups.intern(t.subjectId()));
                }
                default ->
                    throw new IllegalArgumentException("the hand-written deep evaluator has no rule for " + t.shape());
            }
        }
        int n = groups.size();
        children = Ints.Rows.of(n, parentKeys, childValues);
        parents = Ints.Rows.of(n, childValues, parentKeys);
        userGroups = Ints.Rows.of(users.size(), memberUser, memberGroup);
        resourceGroups = Ints.Rows.of(resources.size(), resourceGroupKeys, resourceGroupValues);
        resourceUsers = Ints.Rows.of(resources.size(), resourceUserKeys, resourceUserValues);
        reachStart = new int[n + 1];
        Ints reachedGroups = new Ints();
        Ints reachedHops = new Ints();
        int[] hops = new int[n];
        Arrays.fill(hops, -1);
        int[] queue = new int[n];
        long[] sorted = new long[n];
        for (int g = 0; g < n; g++) {
            int tail = 0;
            queue[tail++] = g;
            hops[g] = 0;
            for (int head = 0; head < tail; head++) {
                int at = queue[head];
                for (int i = children.start()[at]; i < children.start()[at + 1]; i++) {
                    int child = children.values()[i];
                    if (hops[child] < 0) {
                        hops[child] = hops[at] + 1;
                        queue[tail++] = child;
                    }
                }
            }
            for (int i = 0; i < tail; i++) {
                sorted[i] = ((long) queue[i] << 32) | hops[queue[i]];
                hops[queue[i]] = -1;
            }
            Arrays.sort(sorted, 0, tail);
            for (int i = 0; i < tail; i++) {
                reachedGroups.add((int) (sorted[i] >>> 32));
                reachedHops.add((int) sorted[i]);
            }
            reachStart[g + 1] = reachedGroups.size();
        }
        reachGroup = reachedGroups.toArray();
        reachHops = reachedHops.toArray();
        longest = new int[n];
        boolean[] onPath = new boolean[n];
        for (int g = 0; g < n; g++) {
            int[] budget = {LONGEST_PATH_BUDGET};
            longest[g] = longestPath(g, onPath, budget);
        }
    }

    /** The longest expansion path from {@code group} that never revisits a group on it, or a huge value. */
    private int longestPath(int group, boolean[] onPath, int[] budget) {
        if (--budget[0] < 0) return UNREACHED / 2;
        onPath[group] = true;
        int best = 0;
        for (int i = children.start()[group]; i < children.start()[group + 1]; i++) {
            int child = children.values()[i];
            if (!onPath[child]) {
                best = Math.max(best, Math.min(UNREACHED / 2, 1 + longestPath(child, onPath, budget)));
            }
        }
        onPath[group] = false;
        return best;
    }

    @Override
    public String name() {
        return "deep";
    }

    @Override
    public Prepared prepare(Query query) {
        boolean userSubject =
                query.subjectType().equals("user") && query.subjectRelation().isEmpty();
        boolean groupSubject =
                query.subjectType().equals("group") && query.subjectRelation().equals("member");
        String asked = query.resourceType() + "#" + query.permission();
        if (asked.equals("group#member") && (userSubject || groupSubject)) {
            int group = groups.find(query.resourceId());
            if (userSubject) return new UserInGroup(this, group, users.find(query.subjectId()));
            return new GroupInGroup(
                    this,
                    group,
                    groups.find(query.subjectId()),
                    query.resourceId().equals(query.subjectId()));
        }
        if (asked.equals("resource#view") && userSubject) {
            return new ResourceView(this, resources.find(query.resourceId()), users.find(query.subjectId()));
        }
        throw new IllegalArgumentException("the hand-written deep evaluator does not answer " + asked + " for "
                + query.subjectType() + (query.subjectRelation().isEmpty() ? "" : "#" + query.subjectRelation()));
    }

    private record UserInGroup(DeepEvaluator evaluator, int group, int user) implements Prepared {
        @Override
        public int answer() {
            if (group < 0) return FALSE;
            return evaluator.classify(evaluator.nearest(group, evaluator.userGroups, user), group, 0);
        }
    }

    private record GroupInGroup(DeepEvaluator evaluator, int group, int subject, boolean same) implements Prepared {
        @Override
        public int answer() {
            if (same) return TRUE;
            if (group < 0) return FALSE;
            return evaluator.classify(evaluator.nearest(group, evaluator.parents, subject), group, 0);
        }
    }

    private record ResourceView(DeepEvaluator evaluator, int resource, int user) implements Prepared {
        @Override
        public int answer() {
            return evaluator.view(resource, user);
        }
    }

    int view(int resource, int user) {
        if (resource < 0) return FALSE;
        if (user >= 0 && resourceUsers.contains(resource, user)) return TRUE;
        int found = UNREACHED;
        int exhaust = 0;
        for (int i = resourceGroups.start()[resource]; i < resourceGroups.start()[resource + 1]; i++) {
            int group = resourceGroups.values()[i];
            found = Math.min(found, nearest(group, userGroups, user));
            exhaust = Math.max(exhaust, longest[group]);
        }
        if (found != UNREACHED) return found + 2 <= LIMIT ? TRUE : ERROR;
        return exhaust + 2 <= LIMIT ? FALSE : ERROR;
    }

    /** The fewest expansions from {@code group} to one of {@code holders}' row {@code row}, or UNREACHED. */
    private int nearest(int group, Ints.Rows holders, int row) {
        if (row < 0) return UNREACHED;
        int best = UNREACHED;
        for (int i = holders.start()[row]; i < holders.start()[row + 1]; i++) {
            int at = Arrays.binarySearch(reachGroup, reachStart[group], reachStart[group + 1], holders.values()[i]);
            if (at >= 0) best = Math.min(best, reachHops[at]);
        }
        return best;
    }

    private int classify(int found, int group, int extra) {
        if (found != UNREACHED) return found + extra <= LIMIT ? TRUE : ERROR;
        return longest[group] + extra <= LIMIT ? FALSE : ERROR;
    }

    @Override
    public long lookupCount(Lookup lookup) {
        if (!lookup.subjectType().equals("user") || !lookup.subjectRelation().isEmpty()) {
            throw new IllegalArgumentException("the hand-written deep evaluator looks up for users only");
        }
        int user = users.find(lookup.subjectId());
        long[] in = new long[Bits.words(groups.size())];
        if (user >= 0) {
            int[] stack = new int[groups.size()];
            int top = 0;
            for (int i = userGroups.start()[user]; i < userGroups.start()[user + 1]; i++) {
                int g = userGroups.values()[i];
                if (!Bits.get(in, g)) {
                    Bits.set(in, g);
                    stack[top++] = g;
                }
            }
            while (top > 0) {
                int g = stack[--top];
                for (int i = parents.start()[g]; i < parents.start()[g + 1]; i++) {
                    int p = parents.values()[i];
                    if (!Bits.get(in, p)) {
                        Bits.set(in, p);
                        stack[top++] = p;
                    }
                }
            }
        }
        String asked = lookup.resourceType() + "#" + lookup.permission();
        if (asked.equals("group#member")) return Bits.cardinality(in);
        if (!asked.equals("resource#view")) {
            throw new IllegalArgumentException("the hand-written deep evaluator does not look up " + asked);
        }
        long count = 0;
        for (int r = 0; r < resources.size(); r++) {
            boolean allowed = user >= 0 && resourceUsers.contains(r, user);
            for (int i = resourceGroups.start()[r];
                    !allowed && i < resourceGroups.start()[r + 1];
                    i++) {
                allowed = Bits.get(in, resourceGroups.values()[i]);
            }
            if (allowed) count++;
        }
        return count;
    }
}
