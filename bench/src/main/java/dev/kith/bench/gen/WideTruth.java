package dev.kith.bench.gen;

/**
 * The expected answers of the wide schema, {@code view = viewer - banned}: a user may view a resource that names
 * it, or names {@code user:*}, as viewer, unless the resource bans it.
 */
final class WideTruth {
    private final WideWorld world;

    WideTruth(WideWorld world) {
        this.world = world;
    }

    boolean check(int resource, int user) {
        return (world.wildcard[resource] || world.viewers[resource].get(user)) && !world.banned[resource].get(user);
    }

    /** How many resources {@code user} may view. */
    int lookupCount(int user) {
        int count = 0;
        for (int r = 0; r < world.resources; r++) {
            if (check(r, user)) {
                count++;
            }
        }
        return count;
    }
}
