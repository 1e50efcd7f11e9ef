package dev.kith.bench.gen;

import dev.kith.bench.data.DatasetWriter;
import dev.kith.bench.data.Expectation;
import dev.kith.bench.data.Lookup;
import dev.kith.bench.data.Query;
import dev.kith.bench.gen.GithubTruth.Permission;
import java.util.OptionalLong;
import java.util.Random;

/**
 * The github dataset (and, with caveats, the caveats dataset). At scale 1: 10,000 users; 1,000 teams in three
 * nesting levels (a fifth top-level, the rest nested in one or two teams of the level above, so membership is up
 * to three teams deep); 100 organizations with members (users and teams) and admins; 100,000 repositories, each in
 * one organization with 5 to 13 direct reader, writer or admin grants to users and teams: about 1M relationships.
 * In the caveats dataset one grant in ten carries {@code in_network} or {@code in_window}.
 */
final class GithubGenerator implements Generator {
    private static final String SCHEMA_TAIL = """
            definition user {}

            definition team {
                relation member: user | team#member
            }

            definition org {
                relation member: user | team#member
                relation admin: user
            }

            definition repo {
                relation org: org
                relation reader: %1$s
                relation writer: %1$s
                relation admin: %1$s
                permission can_read = reader + writer + admin + org->member
                permission can_write = writer + admin
                permission can_admin = admin + org->admin
            }
            """;

    private final double scale;
    private final Random random;
    private final boolean caveats;

    GithubGenerator(double scale, Random random, boolean caveats) {
        this.scale = scale;
        this.random = random;
        this.caveats = caveats;
    }

    @Override
    public String schema() {
        String subjects = caveats
                ? "user | team#member | user with in_network | user with in_window"
                        + " | team#member with in_network | team#member with in_window"
                : "user | team#member";
        return (caveats ? CaveatParams.SCHEMA + "\n" : "") + SCHEMA_TAIL.formatted(subjects);
    }

    @Override
    public void write(DatasetWriter out) {
        GithubWorld world = build();
        writeRelationships(world, out);
        GithubTruth truth = new GithubTruth(world);
        writeQueries(world, truth, out);
        writeLookups(world, truth, out);
    }

    /** Builds the world at random from the seed. */
    GithubWorld build() {
        GithubWorld world = new GithubWorld(
                Generator.scaled(10_000, scale, 20),
                Generator.scaled(1_000, scale, 5),
                Generator.scaled(100, scale, 2),
                Generator.scaled(100_000, scale, 20));
        int firstLevel1 = Math.max(1, world.teams / 5);
        int firstLevel2 = Math.max(firstLevel1 + 1, world.teams / 2);
        for (int team = 0; team < world.teams; team++) {
            int members = 3 + random.nextInt(10);
            for (int i = 0; i < members; i++) {
                int user = random.nextInt(world.users);
                if (!world.teamUsers[team].contains(user)) {
                    world.addTeamUser(team, user);
                }
            }
            if (team >= firstLevel1) {
                int from = team >= firstLevel2 ? firstLevel1 : 0;
                int to = team >= firstLevel2 ? firstLevel2 : firstLevel1;
                int parents = random.nextInt(5) == 0 ? 2 : 1;
                for (int i = 0; i < parents; i++) {
                    int parent = from + random.nextInt(to - from);
                    if (!world.teamParents[team].contains(parent)) {
                        world.nestTeam(parent, team);
                    }
                }
            }
        }
        for (int org = 0; org < world.orgs; org++) {
            int members = 20 + random.nextInt(60);
            for (int i = 0; i < members; i++) {
                int user = random.nextInt(world.users);
                if (!world.orgUsers[org].contains(user)) {
                    world.addOrgUser(org, user);
                }
            }
            int teams = random.nextInt(4);
            for (int i = 0; i < teams; i++) {
                int team = random.nextInt(world.teams);
                if (!world.orgTeams[org].contains(team)) {
                    world.addOrgTeam(org, team);
                }
            }
            int admins = 1 + random.nextInt(3);
            for (int i = 0; i < admins; i++) {
                int user = random.nextInt(world.users);
                if (!world.orgAdmins[org].contains(user)) {
                    world.addOrgAdmin(org, user);
                }
            }
        }
        for (int repo = 0; repo < world.repos; repo++) {
            world.setRepoOrg(repo, random.nextInt(world.orgs));
            int grants = 5 + random.nextInt(9);
            for (int i = 0; i < grants; i++) {
                int roll = random.nextInt(10);
                int relation = roll < 6 ? GithubWorld.READER : roll < 9 ? GithubWorld.WRITER : GithubWorld.ADMIN;
                boolean team = random.nextInt(5) == 0;
                int subject = random.nextInt(team ? world.teams : world.users);
                int caveat = CaveatParams.NONE;
                int arg = 0;
                if (caveats && random.nextInt(10) == 0) {
                    caveat = random.nextBoolean() ? CaveatParams.IN_NETWORK : CaveatParams.IN_WINDOW;
                    arg = random.nextInt(
                            caveat == CaveatParams.IN_NETWORK ? CaveatParams.NETWORKS : CaveatParams.WINDOWS);
                }
                if (!world.hasGrant(repo, relation, team, subject)) {
                    world.grant(repo, relation, team, subject, caveat, arg);
                }
            }
        }
        return world;
    }

    private static void writeRelationships(GithubWorld world, DatasetWriter out) {
        StringBuilder line = new StringBuilder(96);
        NestedGroups.write("team", world.teamUsers, world.teamParents, line, out);
        for (int org = 0; org < world.orgs; org++) {
            for (int i = 0; i < world.orgUsers[org].size(); i++) {
                line.setLength(0);
                out.relationship(
                        line.append("org:").append(org).append("#member@user:").append(world.orgUsers[org].get(i)));
            }
            for (int i = 0; i < world.orgTeams[org].size(); i++) {
                line.setLength(0);
                out.relationship(line.append("org:")
                        .append(org)
                        .append("#member@team:")
                        .append(world.orgTeams[org].get(i))
                        .append("#member"));
            }
            for (int i = 0; i < world.orgAdmins[org].size(); i++) {
                line.setLength(0);
                out.relationship(
                        line.append("org:").append(org).append("#admin@user:").append(world.orgAdmins[org].get(i)));
            }
        }
        for (int repo = 0; repo < world.repos; repo++) {
            if (world.repoOrg[repo] >= 0) {
                line.setLength(0);
                out.relationship(
                        line.append("repo:").append(repo).append("#org@org:").append(world.repoOrg[repo]));
            }
            IntList grants = world.repoGrants[repo];
            for (int i = 0; i < grants.size(); i++) {
                int g = grants.get(i);
                line.setLength(0);
                line.append("repo:")
                        .append(repo)
                        .append('#')
                        .append(GithubWorld.RELATION_NAMES[world.grantRelation.get(g)])
                        .append('@');
                if (world.grantIsTeam.get(g) == 1) {
                    line.append("team:").append(world.grantSubject.get(g)).append("#member");
                } else {
                    line.append("user:").append(world.grantSubject.get(g));
                }
                if (world.grantCaveat.get(g) != CaveatParams.NONE) {
                    CaveatParams.appendBracket(line, world.grantCaveat.get(g), world.grantCaveatArg.get(g));
                }
                out.relationship(line);
            }
        }
    }

    /**
     * Queries: half aimed at a subject that some grant or the organization names (mostly true), half at a random
     * subject (mostly false); the expectation is always computed by {@link GithubTruth}, never assumed.
     */
    private void writeQueries(GithubWorld world, GithubTruth truth, DatasetWriter out) {
        int count = Generator.scaled(100_000, scale, 100);
        for (int q = 0; q < count; q++) {
            int roll = random.nextInt(20);
            Permission permission =
                    roll < 12 ? Permission.CAN_READ : roll < 17 ? Permission.CAN_WRITE : Permission.CAN_ADMIN;
            boolean teamSet = random.nextInt(20) == 0;
            int repo = random.nextInt(world.repos);
            int subject = random.nextBoolean()
                    ? aimedSubject(world, repo, permission, teamSet)
                    : random.nextInt(teamSet ? world.teams : world.users);
            CaveatParams.Context context = caveats ? CaveatParams.Context.random(random) : null;
            boolean allowed = truth.check(repo, permission, teamSet, subject, context);
            out.query(new Query(
                    "repo",
                    Integer.toString(repo),
                    permission.schemaName,
                    teamSet ? "team" : "user",
                    Integer.toString(subject),
                    teamSet ? "member" : "",
                    context == null ? null : context.json(),
                    Expectation.of(allowed)));
        }
    }

    /** A subject the repository's grants or organization name, or a random one when none fits. */
    private int aimedSubject(GithubWorld world, int repo, Permission permission, boolean teamSet) {
        int org = world.repoOrg[repo];
        if (permission == Permission.CAN_READ && random.nextInt(3) == 0) {
            IntList members = teamSet ? world.orgTeams[org] : world.orgUsers[org];
            if (!members.isEmpty()) {
                return members.get(random.nextInt(members.size()));
            }
        }
        IntList grants = world.repoGrants[repo];
        int start = grants.isEmpty() ? 0 : random.nextInt(grants.size());
        for (int i = 0; i < grants.size(); i++) {
            int g = grants.get((start + i) % grants.size());
            if (!permission.includes(world.grantRelation.get(g))) {
                continue;
            }
            int subject = world.grantSubject.get(g);
            if (world.grantIsTeam.get(g) == 1) {
                if (teamSet) {
                    return subject;
                }
                IntList users = world.teamUsers[subject];
                if (!users.isEmpty()) {
                    return users.get(random.nextInt(users.size()));
                }
            } else if (!teamSet) {
                return subject;
            }
        }
        return random.nextInt(teamSet ? world.teams : world.users);
    }

    private void writeLookups(GithubWorld world, GithubTruth truth, DatasetWriter out) {
        int count = Generator.scaled(200, scale, 10);
        Permission[] permissions = Permission.values();
        for (int i = 0; i < count; i++) {
            int user = random.nextInt(world.users);
            Permission permission = permissions[i % permissions.length];
            out.lookup(new Lookup(
                    "repo",
                    permission.schemaName,
                    "user",
                    Integer.toString(user),
                    "",
                    OptionalLong.of(truth.lookupCount(permission, user))));
        }
    }
}
