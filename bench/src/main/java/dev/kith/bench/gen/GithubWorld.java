package dev.kith.bench.gen;

/**
 * The github dataset as plain arrays and lists: who is in which team and organization, and which grants every
 * repository holds. The generator fills it at random; tests fill it by hand. Ids are indexes ({@code user:7} is
 * user 7).
 */
final class GithubWorld {
    static final int READER = 0;
    static final int WRITER = 1;
    static final int ADMIN = 2;
    static final String[] RELATION_NAMES = {"reader", "writer", "admin"};

    final int users;
    final int teams;
    final int orgs;
    final int repos;

    /** Direct user members of each team, and the teams each user is directly in. */
    final IntList[] teamUsers;

    final IntList[] userTeams;
    /** For each team, the teams it is nested in ({@code team:parent#member@team:child#member}). */
    final IntList[] teamParents;

    final IntList[] orgUsers;
    final IntList[] orgTeams;
    final IntList[] orgAdmins;
    final int[] repoOrg;

    /** For each repository, the indexes of its grants in the grant columns below. */
    final IntList[] repoGrants;

    final IntList grantRepo = new IntList(1024);
    final IntList grantRelation = new IntList(1024);
    final IntList grantIsTeam = new IntList(1024);
    final IntList grantSubject = new IntList(1024);
    final IntList grantCaveat = new IntList(1024);
    final IntList grantCaveatArg = new IntList(1024);

    GithubWorld(int users, int teams, int orgs, int repos) {
        this.users = users;
        this.teams = teams;
        this.orgs = orgs;
        this.repos = repos;
        teamUsers = IntList.array(teams);
        userTeams = IntList.array(users);
        teamParents = IntList.array(teams);
        orgUsers = IntList.array(orgs);
        orgTeams = IntList.array(orgs);
        orgAdmins = IntList.array(orgs);
        repoOrg = new int[repos];
        java.util.Arrays.fill(repoOrg, -1);
        repoGrants = IntList.array(repos);
    }

    void addTeamUser(int team, int user) {
        teamUsers[team].add(user);
        userTeams[user].add(team);
    }

    void nestTeam(int parent, int child) {
        teamParents[child].add(parent);
    }

    void addOrgUser(int org, int user) {
        orgUsers[org].add(user);
    }

    void addOrgTeam(int org, int team) {
        orgTeams[org].add(team);
    }

    void addOrgAdmin(int org, int user) {
        orgAdmins[org].add(user);
    }

    void setRepoOrg(int repo, int org) {
        repoOrg[repo] = org;
    }

    /** Whether {@code repo} already holds a grant of {@code relation} to that subject (caveated or not). */
    boolean hasGrant(int repo, int relation, boolean team, int subject) {
        IntList grants = repoGrants[repo];
        for (int i = 0; i < grants.size(); i++) {
            int g = grants.get(i);
            if (grantRelation.get(g) == relation
                    && (grantIsTeam.get(g) == 1) == team
                    && grantSubject.get(g) == subject) {
                return true;
            }
        }
        return false;
    }

    /** Adds a grant; {@code caveat} is one of {@link CaveatParams}' kinds, {@code caveatArg} its parameter index. */
    int grant(int repo, int relation, boolean team, int subject, int caveat, int caveatArg) {
        int g = grantRepo.size();
        grantRepo.add(repo);
        grantRelation.add(relation);
        grantIsTeam.add(team ? 1 : 0);
        grantSubject.add(subject);
        grantCaveat.add(caveat);
        grantCaveatArg.add(caveatArg);
        repoGrants[repo].add(g);
        return g;
    }

    int grantCount() {
        return grantRepo.size();
    }
}
