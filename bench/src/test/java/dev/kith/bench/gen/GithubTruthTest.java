package dev.kith.bench.gen;

import static dev.kith.bench.gen.GithubTruth.Permission.CAN_ADMIN;
import static dev.kith.bench.gen.GithubTruth.Permission.CAN_READ;
import static dev.kith.bench.gen.GithubTruth.Permission.CAN_WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Hand-built worlds whose answers were worked out on paper. */
class GithubTruthTest {
    private static final int NONE = CaveatParams.NONE;

    /**
     * Users 0..5, teams 0..2 (team 2 in team 1 in team 0), orgs 0..1, repos 0..3.
     *
     * <pre>
     * team:0#member@user:0   team:1#member@user:1   team:2#member@user:2
     * team:0#member@team:1#member   team:1#member@team:2#member
     * org:0#member@user:3   org:0#admin@user:4   org:1#member@team:1#member
     * repo:0 in org 0: reader team:0#member, writer user:5
     * repo:1 in org 1: admin user:0
     * repo:2 in org 0: writer team:2#member
     * repo:3 in org 1: (no grants)
     * </pre>
     */
    private static GithubWorld world() {
        GithubWorld world = new GithubWorld(6, 3, 2, 4);
        world.addTeamUser(0, 0);
        world.addTeamUser(1, 1);
        world.addTeamUser(2, 2);
        world.nestTeam(0, 1);
        world.nestTeam(1, 2);
        world.addOrgUser(0, 3);
        world.addOrgAdmin(0, 4);
        world.addOrgTeam(1, 1);
        world.setRepoOrg(0, 0);
        world.setRepoOrg(1, 1);
        world.setRepoOrg(2, 0);
        world.setRepoOrg(3, 1);
        world.grant(0, GithubWorld.READER, true, 0, NONE, 0);
        world.grant(0, GithubWorld.WRITER, false, 5, NONE, 0);
        world.grant(1, GithubWorld.ADMIN, false, 0, NONE, 0);
        world.grant(2, GithubWorld.WRITER, true, 2, NONE, 0);
        return world;
    }

    @Test
    void nestedTeamMembersInheritGrants() {
        GithubTruth truth = new GithubTruth(world());
        // user 2 is in team 2, hence in team 1 and team 0: reads repo 0 through the reader grant to team 0
        assertThat(truth.check(0, CAN_READ, false, 2, null)).isTrue();
        assertThat(truth.check(0, CAN_WRITE, false, 2, null)).isFalse();
        // user 0 is only in team 0: writes nothing through team 2
        assertThat(truth.check(2, CAN_WRITE, false, 0, null)).isFalse();
        assertThat(truth.check(2, CAN_WRITE, false, 2, null)).isTrue();
        // a writer reads; an admin writes and reads
        assertThat(truth.check(0, CAN_READ, false, 5, null)).isTrue();
        assertThat(truth.check(1, CAN_WRITE, false, 0, null)).isTrue();
        assertThat(truth.check(1, CAN_ADMIN, false, 0, null)).isTrue();
    }

    @Test
    void organizationMembershipAndAdminsFlowThroughTheOrgArrow() {
        GithubTruth truth = new GithubTruth(world());
        // user 3 is a member of org 0: reads repos 0 and 2, writes neither
        assertThat(truth.check(2, CAN_READ, false, 3, null)).isTrue();
        assertThat(truth.check(2, CAN_WRITE, false, 3, null)).isFalse();
        assertThat(truth.check(1, CAN_READ, false, 3, null)).isFalse();
        // user 4 administers org 0, so can_admin on its repos, but org admins are not readers
        assertThat(truth.check(0, CAN_ADMIN, false, 4, null)).isTrue();
        assertThat(truth.check(0, CAN_READ, false, 4, null)).isFalse();
        // team 1 is a member of org 1: its member user 1 and nested user 2 read repo 3; user 0 (team 0) does not
        assertThat(truth.check(3, CAN_READ, false, 1, null)).isTrue();
        assertThat(truth.check(3, CAN_READ, false, 2, null)).isTrue();
        assertThat(truth.check(3, CAN_READ, false, 0, null)).isFalse();
    }

    @Test
    void teamSubjectSetsAreInTheirTeamAndItsAncestors() {
        GithubTruth truth = new GithubTruth(world());
        // team:2#member is stored in team 1, which is stored in team 0: reachable from repo 0's reader grant
        assertThat(truth.check(0, CAN_READ, true, 2, null)).isTrue();
        assertThat(truth.check(2, CAN_WRITE, true, 2, null)).isTrue();
        // team:0#member is not inside team 2
        assertThat(truth.check(2, CAN_WRITE, true, 0, null)).isFalse();
        // org admin is users only
        assertThat(truth.check(0, CAN_ADMIN, true, 0, null)).isFalse();
        assertThat(truth.check(3, CAN_READ, true, 2, null)).isTrue();
    }

    @Test
    void lookupsCountEveryRepositoryTheChecksAllow() {
        GithubTruth truth = new GithubTruth(world());
        assertThat(truth.lookupCount(CAN_READ, 2)).isEqualTo(4); // repo 0 (team 0), 2 (team 2), 1 and 3 (org 1)
        assertThat(truth.lookupCount(CAN_READ, 0)).isEqualTo(2); // repo 0 (team 0), repo 1 (admin)
        assertThat(truth.lookupCount(CAN_WRITE, 2)).isEqualTo(1);
        assertThat(truth.lookupCount(CAN_ADMIN, 4)).isEqualTo(2); // repos 0 and 2 of org 0
        assertThat(truth.lookupCount(CAN_READ, 3)).isEqualTo(2);
        assertThat(truth.lookupCount(CAN_READ, 5)).isEqualTo(1);
    }

    @Test
    void caveatedGrantsCountOnlyWhenTheirCaveatHolds() {
        GithubWorld world = new GithubWorld(2, 1, 1, 2);
        world.setRepoOrg(0, 0);
        world.setRepoOrg(1, 0);
        world.grant(0, GithubWorld.READER, false, 0, CaveatParams.IN_NETWORK, 3); // 10.3.0.0/16
        world.grant(1, GithubWorld.WRITER, false, 0, CaveatParams.IN_WINDOW, 2); // [2026-03-01, 2026-06-01)
        GithubTruth truth = new GithubTruth(world);
        long march = Instant.parse("2026-03-15T00:00:00Z").getEpochSecond();
        long june = Instant.parse("2026-06-01T00:00:00Z").getEpochSecond();
        int inside = (10 << 24) | (3 << 16) | (200 << 8) | 7;
        int outside = (10 << 24) | (4 << 16) | 7;
        assertThat(truth.check(0, CAN_READ, false, 0, new CaveatParams.Context(inside, march)))
                .isTrue();
        assertThat(truth.check(0, CAN_READ, false, 0, new CaveatParams.Context(outside, march)))
                .isFalse();
        assertThat(truth.check(1, CAN_READ, false, 0, new CaveatParams.Context(outside, march)))
                .isTrue();
        assertThat(truth.check(1, CAN_WRITE, false, 0, new CaveatParams.Context(outside, june)))
                .isFalse();
        // a lookup has no context: both caveated grants are conditional results and count
        assertThat(truth.lookupCount(CAN_READ, 0)).isEqualTo(2);
        assertThat(new CaveatParams.Context(inside, march).json())
                .isEqualTo("{\"client_ip\":\"10.3.200.7\",\"now\":\"2026-03-15T00:00:00Z\"}");
        StringBuilder bracket = new StringBuilder();
        CaveatParams.appendBracket(bracket, CaveatParams.IN_WINDOW, 2);
        assertThat(bracket)
                .hasToString(
                        "[in_window:{\"not_before\":\"2026-03-01T00:00:00Z\",\"not_after\":\"2026-06-01T00:00:00Z\"}]");
    }
}
