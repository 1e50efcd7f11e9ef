package dev.kith.bench.handwritten;

/**
 * Nested groups ({@code group:p#member@group:c#member}) precomputed the way a careful engineer would for checks: for
 * every group, the sorted set of groups it is in (itself and every group it is nested in, at any depth; cycles are
 * harmless), and for every user the sorted union of those sets over the groups the user is directly in. A check
 * then tests membership with one binary search.
 */
final class Groups {
    /** For each group, itself and the groups it is nested in, sorted. */
    final Ints.Rows up;
    /** For each user, every group it is in, directly or through nesting, sorted. */
    final Ints.Rows userGroups;

    /**
     * @param groups how many groups
     * @param users how many users
     * @param nestedChild the child of each nesting ({@code c}), paired with {@code nestedParent}
     * @param memberUser the user of each direct membership, paired with {@code memberGroup}
     */
    Groups(int groups, int users, Ints nestedChild, Ints nestedParent, Ints memberUser, Ints memberGroup) {
        Ints.Rows parents = Ints.Rows.of(groups, nestedChild, nestedParent);
        Ints.Rows direct = Ints.Rows.of(users, memberUser, memberGroup);
        int[] stamp = new int[groups];
        int[] queue = new int[groups];
        Ints upKeys = new Ints();
        Ints upValues = new Ints();
        for (int g = 0; g < groups; g++) {
            int tail = 0;
            queue[tail++] = g;
            stamp[g] = g + 1;
            for (int head = 0; head < tail; head++) {
                int at = queue[head];
                upKeys.add(g);
                upValues.add(at);
                for (int i = parents.start()[at]; i < parents.start()[at + 1]; i++) {
                    int p = parents.values()[i];
                    if (stamp[p] != g + 1) {
                        stamp[p] = g + 1;
                        queue[tail++] = p;
                    }
                }
            }
        }
        up = Ints.Rows.of(groups, upKeys, upValues);
        java.util.Arrays.fill(stamp, 0);
        Ints userKeys = new Ints();
        Ints userValues = new Ints();
        for (int u = 0; u < users; u++) {
            for (int i = direct.start()[u]; i < direct.start()[u + 1]; i++) {
                int g = direct.values()[i];
                for (int j = up.start()[g]; j < up.start()[g + 1]; j++) {
                    int reached = up.values()[j];
                    if (stamp[reached] != u + 1) {
                        stamp[reached] = u + 1;
                        userKeys.add(u);
                        userValues.add(reached);
                    }
                }
            }
        }
        userGroups = Ints.Rows.of(users, userKeys, userValues);
    }
}
