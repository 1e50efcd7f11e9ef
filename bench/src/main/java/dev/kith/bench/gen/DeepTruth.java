package dev.kith.bench.gen;

import dev.kith.bench.data.Expectation;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The expected answers of the deep schema with the depth limit taken into account. A check spends one unit of
 * depth per subject set it expands (and a resource's {@code view} spends two more: to {@code viewer}, then into
 * the group). A subject found within {@link #SAFE_HOPS} is {@code true} — a union is allowed as soon as one branch
 * is, so deeper branches that would run out do not matter. A subject not found is {@code false} if every path
 * (cut where it returns to a group already on it, kith's rule for cycles) stays within {@link #SAFE_HOPS}. Needing
 * {@link #ERROR_HOPS} or more is an {@code error} (the limit is 50). Cases between the two are left out, because
 * engines count the first and last step differently.
 */
final class DeepTruth {
    /** The most depth a case may need and still be expected to succeed. */
    static final int SAFE_HOPS = 47;

    /** The least depth a case must need to be expected to fail with depth exceeded. */
    static final int ERROR_HOPS = 53;

    /** A case whose answer depends on how an engine counts depth near the limit: not emitted. */
    static final Expectation AMBIGUOUS = Expectation.NONE;

    private final DeepWorld world;

    DeepTruth(DeepWorld world) {
        this.world = world;
    }

    /** {@code group:group#member@user:user}. */
    Expectation checkUser(String group, String user) {
        return expectation(hops(group, g -> world.memberUsers.get(g).contains(user)), 0);
    }

    /** {@code group:group#member@group:subjectGroup#member}: reachable, or the group itself. */
    Expectation checkGroupSet(String group, String subjectGroup) {
        if (group.equals(subjectGroup)) {
            return Expectation.TRUE;
        }
        return expectation(hops(group, g -> world.memberSets.get(g).contains(subjectGroup)), 0);
    }

    /** {@code resource:resource#view@user:user}: two more steps than the viewer group's check. */
    Expectation checkResource(String resource, String user) {
        return expectation(
                hops(
                        world.resourceViewer.get(resource),
                        g -> world.memberUsers.get(g).contains(user)),
                2);
    }

    /**
     * How many groups {@code user} is a member of, or -1 when one of them is reached only near or past the limit
     * (such a lookup is not emitted).
     */
    int lookupGroups(String user) {
        int count = 0;
        for (String group : world.memberSets.keySet()) {
            int hops = shortestHops(group, g -> world.memberUsers.get(g).contains(user));
            if (hops > SAFE_HOPS && hops != Integer.MAX_VALUE) {
                return -1;
            }
            if (hops != Integer.MAX_VALUE) {
                count++;
            }
        }
        return count;
    }

    /** How many resources {@code user} may view, or -1 when one is reached only near or past the limit. */
    int lookupResources(String user) {
        int count = 0;
        for (String group : world.resourceViewer.values()) {
            int hops = shortestHops(group, g -> world.memberUsers.get(g).contains(user));
            if (hops != Integer.MAX_VALUE) {
                if (hops + 2 > SAFE_HOPS) {
                    return -1;
                }
                count++;
            }
        }
        return count;
    }

    private interface GroupTest {
        boolean holds(String group);
    }

    /**
     * The depth a check from {@code group} needs: the hops to the nearest group passing {@code target} when there
     * is one, else {@code -1 - h} where {@code h} is the hops needed to search every path and find nothing.
     */
    private int hops(String group, GroupTest target) {
        int found = shortestHops(group, target);
        return found != Integer.MAX_VALUE ? found : -1 - longestSimplePath(group);
    }

    /** Turns hops (negative: not found, {@code -1 - hops to exhaust}) plus {@code extra} into the expectation. */
    private static Expectation expectation(int encoded, int extra) {
        boolean found = encoded >= 0;
        int hops = (found ? encoded : -1 - encoded) + extra;
        if (hops <= SAFE_HOPS) {
            return found ? Expectation.TRUE : Expectation.FALSE;
        }
        return hops >= ERROR_HOPS ? Expectation.ERROR : AMBIGUOUS;
    }

    /** Breadth-first: the fewest subject-set expansions from {@code start} to a group passing {@code target}. */
    private int shortestHops(String start, GroupTest target) {
        Map<String, Integer> distance = new HashMap<>();
        ArrayDeque<String> queue = new ArrayDeque<>();
        distance.put(start, 0);
        queue.add(start);
        while (!queue.isEmpty()) {
            String group = queue.poll();
            int d = distance.get(group);
            if (target.holds(group)) {
                return d;
            }
            for (String child : world.memberSets.get(group)) {
                if (distance.putIfAbsent(child, d + 1) == null) {
                    queue.add(child);
                }
            }
        }
        return Integer.MAX_VALUE;
    }

    /** The longest path of expansions from {@code start} that never revisits a group on it (cycles are cut). */
    private int longestSimplePath(String start) {
        return longest(start, new HashSet<>());
    }

    private int longest(String group, Set<String> onPath) {
        onPath.add(group);
        int best = 0;
        List<String> children = world.memberSets.get(group);
        for (String child : children) {
            if (!onPath.contains(child)) {
                best = Math.max(best, 1 + longest(child, onPath));
            }
        }
        onPath.remove(group);
        return best;
    }
}
