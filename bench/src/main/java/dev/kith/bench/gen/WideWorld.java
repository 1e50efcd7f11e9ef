package dev.kith.bench.gen;

import java.util.BitSet;

/**
 * The wide dataset as bitsets: for each resource, the users it names as viewers, whether it is public ({@code
 * user:*}) and the users it bans.
 */
final class WideWorld {
    final int users;
    final int resources;
    final BitSet[] viewers;
    final boolean[] wildcard;
    final BitSet[] banned;

    WideWorld(int users, int resources) {
        this.users = users;
        this.resources = resources;
        viewers = new BitSet[resources];
        banned = new BitSet[resources];
        wildcard = new boolean[resources];
        for (int r = 0; r < resources; r++) {
            viewers[r] = new BitSet(users);
            banned[r] = new BitSet(users);
        }
    }
}
