package dev.kith.bench.gen;

import dev.kith.bench.data.DatasetWriter;
import java.util.ArrayDeque;
import java.util.BitSet;

/**
 * Groups whose members are users and other groups' members (github's teams, drive's groups): writing them out,
 * and the set of groups a member is in.
 */
final class NestedGroups {
    private NestedGroups() {}

    /**
     * Writes {@code type:g#member@user:u} for every direct user of every group and {@code
     * type:p#member@type:g#member} for every group {@code g} nested in a group {@code p}.
     */
    static void write(String type, IntList[] users, IntList[] parents, StringBuilder line, DatasetWriter out) {
        for (int group = 0; group < users.length; group++) {
            for (int i = 0; i < users[group].size(); i++) {
                line.setLength(0);
                out.relationship(line.append(type)
                        .append(':')
                        .append(group)
                        .append("#member@user:")
                        .append(users[group].get(i)));
            }
            for (int i = 0; i < parents[group].size(); i++) {
                line.setLength(0);
                out.relationship(line.append(type)
                        .append(':')
                        .append(parents[group].get(i))
                        .append("#member@")
                        .append(type)
                        .append(':')
                        .append(group)
                        .append("#member"));
            }
        }
    }

    /** The groups in {@code seeds} and every group they are nested in, at any depth (cycles are harmless). */
    static BitSet closure(IntList seeds, IntList[] parents) {
        BitSet groups = new BitSet(parents.length);
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int i = 0; i < seeds.size(); i++) {
            queue.add(seeds.get(i));
        }
        while (!queue.isEmpty()) {
            int group = queue.poll();
            if (!groups.get(group)) {
                groups.set(group);
                for (int i = 0; i < parents[group].size(); i++) {
                    queue.add(parents[group].get(i));
                }
            }
        }
        return groups;
    }
}
