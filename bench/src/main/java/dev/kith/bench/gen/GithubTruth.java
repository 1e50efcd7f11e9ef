package dev.kith.bench.gen;

import java.util.BitSet;

/**
 * The expected answers of the github (and caveats) schema, computed straight from a {@link GithubWorld} with
 * sets and loops, independently of kith's engine:
 *
 * <ul>
 *   <li>{@code can_read = reader + writer + admin + org->member}
 *   <li>{@code can_write = writer + admin}
 *   <li>{@code can_admin = admin + org->admin}
 * </ul>
 *
 * A user is in a team if it is a direct member of that team or of a team nested in it (at any depth); a subject
 * set {@code team:t#member} is in team {@code t} and in every team {@code t} is nested in.
 */
final class GithubTruth {
    /** The three permissions of {@code repo}. */
    enum Permission {
        CAN_READ("can_read", true, true, true),
        CAN_WRITE("can_write", false, true, true),
        CAN_ADMIN("can_admin", false, false, true);

        final String schemaName;
        private final boolean[] relations;

        Permission(String schemaName, boolean reader, boolean writer, boolean admin) {
            this.schemaName = schemaName;
            this.relations = new boolean[] {reader, writer, admin};
        }

        boolean includes(int relation) {
            return relations[relation];
        }
    }

    private final GithubWorld world;
    private final IntList[] userGrants;
    private final IntList[] teamGrants;
    private final IntList[] orgRepos;

    GithubTruth(GithubWorld world) {
        this.world = world;
        userGrants = IntList.array(world.users);
        teamGrants = IntList.array(world.teams);
        for (int g = 0; g < world.grantCount(); g++) {
            (world.grantIsTeam.get(g) == 1 ? teamGrants : userGrants)[world.grantSubject.get(g)].add(g);
        }
        orgRepos = IntList.array(world.orgs);
        for (int r = 0; r < world.repos; r++) {
            if (world.repoOrg[r] >= 0) {
                orgRepos[world.repoOrg[r]].add(r);
            }
        }
    }

    /** The teams a subject is in: for a user, its teams and their ancestors; for {@code team:t#member}, t's. */
    BitSet teamsOf(boolean teamSet, int id) {
        if (!teamSet) {
            return NestedGroups.closure(world.userTeams[id], world.teamParents);
        }
        IntList self = new IntList(1);
        self.add(id);
        return NestedGroups.closure(self, world.teamParents);
    }

    /**
     * Whether the subject (a user, or {@code team:id#member} when {@code teamSet}) has {@code permission} on
     * {@code repo}; with a {@code context}, caveated grants count only where their caveat holds.
     */
    boolean check(int repo, Permission permission, boolean teamSet, int id, CaveatParams.Context context) {
        BitSet teams = teamsOf(teamSet, id);
        IntList grants = world.repoGrants[repo];
        for (int i = 0; i < grants.size(); i++) {
            int g = grants.get(i);
            if (permission.includes(world.grantRelation.get(g))
                    && grantMatches(g, teamSet, id, teams)
                    && CaveatParams.holds(world.grantCaveat.get(g), world.grantCaveatArg.get(g), context)) {
                return true;
            }
        }
        int org = world.repoOrg[repo];
        if (org < 0) {
            return false;
        }
        return switch (permission) {
            case CAN_READ -> isOrgMember(org, teamSet, id, teams);
            case CAN_WRITE -> false;
            case CAN_ADMIN -> !teamSet && world.orgAdmins[org].contains(id);
        };
    }

    /**
     * How many repositories the user has {@code permission} on, counting caveated grants as granted (a lookup
     * carries no context, so they are conditional results, which lookups return).
     */
    int lookupCount(Permission permission, int user) {
        BitSet found = new BitSet(world.repos);
        BitSet teams = teamsOf(false, user);
        addGranted(found, userGrants[user], permission);
        for (int t = teams.nextSetBit(0); t >= 0; t = teams.nextSetBit(t + 1)) {
            addGranted(found, teamGrants[t], permission);
        }
        for (int org = 0; org < world.orgs; org++) {
            boolean viaOrg = switch (permission) {
                case CAN_READ -> isOrgMember(org, false, user, teams);
                case CAN_WRITE -> false;
                case CAN_ADMIN -> world.orgAdmins[org].contains(user);
            };
            if (viaOrg) {
                IntList repos = orgRepos[org];
                for (int i = 0; i < repos.size(); i++) {
                    found.set(repos.get(i));
                }
            }
        }
        return found.cardinality();
    }

    private void addGranted(BitSet found, IntList grants, Permission permission) {
        for (int i = 0; i < grants.size(); i++) {
            int g = grants.get(i);
            if (permission.includes(world.grantRelation.get(g))) {
                found.set(world.grantRepo.get(g));
            }
        }
    }

    private boolean grantMatches(int g, boolean teamSet, int id, BitSet teams) {
        int subject = world.grantSubject.get(g);
        return world.grantIsTeam.get(g) == 1 ? teams.get(subject) : !teamSet && subject == id;
    }

    private boolean isOrgMember(int org, boolean teamSet, int id, BitSet teams) {
        if (!teamSet && world.orgUsers[org].contains(id)) {
            return true;
        }
        IntList orgTeams = world.orgTeams[org];
        for (int i = 0; i < orgTeams.size(); i++) {
            if (teams.get(orgTeams.get(i))) {
                return true;
            }
        }
        return false;
    }
}
