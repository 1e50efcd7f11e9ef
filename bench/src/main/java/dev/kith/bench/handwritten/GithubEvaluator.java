package dev.kith.bench.handwritten;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kith.bench.data.Lookup;
import dev.kith.bench.data.Query;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;

/**
 * The hand-written evaluator of github's schema (datasets github and caveats): {@code can_read = reader + writer +
 * admin + org->member}, {@code can_write = writer + admin}, {@code can_admin = admin + org->admin}, teams nested in
 * teams, and the caveats dataset's {@code in_network} and {@code in_window} caveats on grants.
 *
 * <p>What it keeps: the team sets of every user and of every team ({@link Groups}); each repository's grants as
 * consecutive grant numbers, each with an int code (relation, user or team, subject id) and a caveat reference;
 * each caveat's parameters parsed once (network and mask as ints, times as epoch nanoseconds); each repository's
 * organization; each organization's users, teams and admins as sorted rows. A check scans the repository's
 * grants (a team grant is a binary search in the subject's team set; a caveated grant counts when its caveat holds
 * in the request's context, and makes the answer conditional when the context lacks the parameter), then the
 * organization. The request context is parsed when the query is prepared.
 *
 * <p>For lookups: each user's and each team's grants, and each organization's repositories, marked in a
 * {@code long[]} bitset (caveated grants count: a lookup without context returns them as conditional).
 */
final class GithubEvaluator implements HandEvaluator {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int READER = 0;
    private static final int WRITER = 1;
    private static final int ADMIN = 2;
    private static final int ID_MASK = (1 << 28) - 1;
    private static final int TEAM = 1 << 28;
    private static final int NO_ORG = 0;
    private static final int ORG_MEMBER = 1;
    private static final int ORG_ADMIN = 2;
    private static final int IN_NETWORK = 1;
    private static final int IN_WINDOW = 2;

    private final Ids users = new Ids();
    private final Ids teams = new Ids();
    private final Ids orgs = new Ids();
    private final Ids repos = new Ids();

    private final Groups teamSets;
    private final int[] repoOrg;
    private final Ints.Rows repoGrants;
    private final int[] grantCode;
    private final int[] grantRepo;
    private final int[] grantCaveat;
    private final int[] caveatKind;
    private final int[] caveatNetwork;
    private final int[] caveatMask;
    private final long[] caveatNotBefore;
    private final long[] caveatNotAfter;
    private final Ints.Rows orgUsers;
    private final Ints.Rows orgTeams;
    private final Ints.Rows orgAdmins;
    private final Ints.Rows orgRepos;
    private final Ints.Rows userGrants;
    private final Ints.Rows teamGrants;

    GithubEvaluator(Iterable<Tuple> lines) {
        Ints nestedChild = new Ints();
        Ints nestedParent = new Ints();
        Ints memberUser = new Ints();
        Ints memberTeam = new Ints();
        Ints orgUserKeys = new Ints();
        Ints orgUserValues = new Ints();
        Ints orgTeamKeys = new Ints();
        Ints orgTeamValues = new Ints();
        Ints orgAdminKeys = new Ints();
        Ints orgAdminValues = new Ints();
        Ints repoOfOrg = new Ints();
        Ints orgOfRepo = new Ints();
        Ints grantRepos = new Ints();
        Ints codes = new Ints();
        Ints caveats = new Ints();
        Ints kinds = new Ints();
        Ints networks = new Ints();
        Ints masks = new Ints();
        Ints.Longs notBefore = new Ints.Longs();
        Ints.Longs notAfter = new Ints.Longs();
        kinds.add(0);
        networks.add(0);
        masks.add(0);
        notBefore.add(0);
        notAfter.add(0);
        for (Tuple t : lines) {
            if (t.caveat() != null && !t.type().equals("repo")) throw unsupported(t);
            switch (t.shape()) {
                case "team#member@user" -> {
                    memberTeam.add(teams.intern(t.id()));
                    memberUser.add(users.intern(t.subjectId()));
                }
                case "team#member@team#member" -> {
                    nestedParent.add(teams.intern(t.id()));
                    nestedChild.add(teams.intern(t.subjectId()));
                }
                case "org#member@user" -> {
                    orgUserKeys.add(orgs.intern(t.id()));
                    orgUserValues.add(users.intern(t.subjectId()));
                }
                case "org#member@team#member" -> {
                    orgTeamKeys.add(orgs.intern(t.id()));
                    orgTeamValues.add(teams.intern(t.subjectId()));
                }
                case "org#admin@user" -> {
                    orgAdminKeys.add(orgs.intern(t.id()));
                    orgAdminValues.add(users.intern(t.subjectId()));
                }
                case "repo#org@org" -> {
                    repoOfOrg.add(repos.intern(t.id()));
                    orgOfRepo.add(orgs.intern(t.subjectId()));
                }
                default -> {
                    int relation = switch (t.relation()) {
                        case "reader" -> READER;
                        case "writer" -> WRITER;
                        case "admin" -> ADMIN;
                        default -> throw unsupported(t);
                    };
                    if (!t.type().equals("repo")) throw unsupported(t);
                    int subject;
                    if (t.subjectType().equals("user") && t.subjectRelation().isEmpty()) {
                        subject = users.intern(t.subjectId());
                    } else if (t.subjectType().equals("team")
                            && t.subjectRelation().equals("member")) {
                        subject = TEAM | teams.intern(t.subjectId());
                    } else {
                        throw unsupported(t);
                    }
                    grantRepos.add(repos.intern(t.id()));
                    codes.add((relation << 29) | subject);
                    caveats.add(t.caveat() == null ? 0 : kinds.size());
                    if (t.caveat() != null) {
                        readCaveat(t, kinds, networks, masks, notBefore, notAfter);
                    }
                }
            }
        }
        teamSets = new Groups(teams.size(), users.size(), nestedChild, nestedParent, memberUser, memberTeam);
        repoOrg = new int[repos.size()];
        Arrays.fill(repoOrg, -1);
        for (int i = 0; i < repoOfOrg.size(); i++) {
            if (repoOrg[repoOfOrg.get(i)] >= 0) {
                throw new IllegalArgumentException("the hand-written github evaluator supports one org per repo");
            }
            repoOrg[repoOfOrg.get(i)] = orgOfRepo.get(i);
        }
        grantCode = codes.toArray();
        grantRepo = grantRepos.toArray();
        grantCaveat = caveats.toArray();
        caveatKind = kinds.toArray();
        caveatNetwork = networks.toArray();
        caveatMask = masks.toArray();
        caveatNotBefore = notBefore.toArray();
        caveatNotAfter = notAfter.toArray();
        Ints grantNumbers = new Ints();
        Ints userKeys = new Ints();
        Ints userValues = new Ints();
        Ints teamKeys = new Ints();
        Ints teamValues = new Ints();
        for (int g = 0; g < grantCode.length; g++) {
            grantNumbers.add(g);
            ((grantCode[g] & TEAM) != 0 ? teamKeys : userKeys).add(grantCode[g] & ID_MASK);
            ((grantCode[g] & TEAM) != 0 ? teamValues : userValues).add(g);
        }
        repoGrants = Ints.Rows.of(repos.size(), grantRepos, grantNumbers);
        userGrants = Ints.Rows.of(users.size(), userKeys, userValues);
        teamGrants = Ints.Rows.of(teams.size(), teamKeys, teamValues);
        orgUsers = Ints.Rows.of(orgs.size(), orgUserKeys, orgUserValues);
        orgTeams = Ints.Rows.of(orgs.size(), orgTeamKeys, orgTeamValues);
        orgAdmins = Ints.Rows.of(orgs.size(), orgAdminKeys, orgAdminValues);
        orgRepos = Ints.Rows.of(orgs.size(), orgOfRepo, repoOfOrg);
    }

    private static void readCaveat(
            Tuple t, Ints kinds, Ints networks, Ints masks, Ints.Longs notBefore, Ints.Longs notAfter) {
        JsonNode context;
        try {
            context = t.caveatJson() == null ? JSON.createObjectNode() : JSON.readTree(t.caveatJson());
        } catch (IOException e) {
            throw new IllegalArgumentException("the caveat context is not JSON: " + t.caveatJson(), e);
        }
        switch (t.caveat()) {
            case "in_network" -> {
                String[] cidr = text(context, "network").split("/", 2);
                int bits = cidr.length == 2 ? Integer.parseInt(cidr[1]) : 32;
                int mask = bits == 0 ? 0 : -1 << (32 - bits);
                kinds.add(IN_NETWORK);
                networks.add(ipv4(cidr[0]) & mask);
                masks.add(mask);
                notBefore.add(0);
                notAfter.add(0);
            }
            case "in_window" -> {
                kinds.add(IN_WINDOW);
                networks.add(0);
                masks.add(0);
                notBefore.add(nanos(text(context, "not_before")));
                notAfter.add(nanos(text(context, "not_after")));
            }
            default -> throw unsupported(t);
        }
    }

    private static String text(JsonNode context, String field) {
        JsonNode value = context.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("the caveat context has no text field " + field);
        }
        return value.asText();
    }

    /** An IPv4 address in dotted form as a big-endian int. */
    static int ipv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) throw new IllegalArgumentException("not an IPv4 address: " + text);
        int address = 0;
        for (String part : parts) {
            int octet = Integer.parseInt(part);
            if (octet < 0 || octet > 255) throw new IllegalArgumentException("not an IPv4 address: " + text);
            address = (address << 8) | octet;
        }
        return address;
    }

    private static long nanos(String timestamp) {
        Instant instant = Instant.parse(timestamp);
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
    }

    @Override
    public String name() {
        return "github";
    }

    /** The relation mask and the organization rule of a permission. */
    private static int[] permission(String type, String permission) {
        if (!type.equals("repo"))
            throw new IllegalArgumentException("the hand-written github evaluator knows no type " + type);
        return switch (permission) {
            case "can_read" -> new int[] {(1 << READER) | (1 << WRITER) | (1 << ADMIN), ORG_MEMBER};
            case "can_write" -> new int[] {(1 << WRITER) | (1 << ADMIN), NO_ORG};
            case "can_admin" -> new int[] {1 << ADMIN, ORG_ADMIN};
            default -> throw new IllegalArgumentException("no permission " + permission + " on repo");
        };
    }

    @Override
    public Prepared prepare(Query query) {
        int[] rule = permission(query.resourceType(), query.permission());
        boolean teamSet;
        int subject;
        if (query.subjectType().equals("user") && query.subjectRelation().isEmpty()) {
            teamSet = false;
            subject = users.find(query.subjectId());
        } else if (query.subjectType().equals("team") && query.subjectRelation().equals("member")) {
            teamSet = true;
            subject = teams.find(query.subjectId());
        } else {
            throw new IllegalArgumentException("the hand-written github evaluator answers for users and team members");
        }
        boolean hasIp = false;
        boolean hasNow = false;
        int ip = 0;
        long now = 0;
        if (query.context() != null) {
            try {
                JsonNode context = JSON.readTree(query.context());
                if (context.hasNonNull("client_ip")) {
                    hasIp = true;
                    ip = ipv4(context.get("client_ip").asText());
                }
                if (context.hasNonNull("now")) {
                    hasNow = true;
                    now = nanos(context.get("now").asText());
                }
            } catch (IOException e) {
                throw new IllegalArgumentException("the query context is not JSON: " + query.context(), e);
            }
        }
        return new Check(
                this, repos.find(query.resourceId()), rule[0], rule[1], teamSet, subject, hasIp, ip, hasNow, now);
    }

    private record Check(
            GithubEvaluator evaluator,
            int repo,
            int mask,
            int orgRule,
            boolean teamSet,
            int subject,
            boolean hasIp,
            int ip,
            boolean hasNow,
            long now)
            implements Prepared {
        @Override
        public int answer() {
            return evaluator.check(this);
        }
    }

    /** The grants first (a caveated one counts where its caveat holds), then the organization. */
    int check(Check c) {
        int repo = c.repo;
        int subject = c.subject;
        if (repo < 0 || subject < 0) return FALSE;
        Ints.Rows sets = c.teamSet ? teamSets.up : teamSets.userGroups;
        int[] teamValues = sets.values();
        int from = sets.start()[subject];
        int to = sets.start()[subject + 1];
        boolean conditional = false;
        int[] start = repoGrants.start();
        int[] grants = repoGrants.values();
        for (int i = start[repo]; i < start[repo + 1]; i++) {
            int g = grants[i];
            int code = grantCode[g];
            if (((c.mask >>> (code >>> 29)) & 1) == 0) continue;
            int id = code & ID_MASK;
            boolean matches = (code & TEAM) != 0
                    ? Arrays.binarySearch(teamValues, from, to, id) >= 0
                    : !c.teamSet && id == subject;
            if (!matches) continue;
            int caveat = grantCaveat[g];
            if (caveat == 0) return TRUE;
            if (caveatKind[caveat] == IN_NETWORK) {
                if (!c.hasIp) conditional = true;
                else if ((c.ip & caveatMask[caveat]) == caveatNetwork[caveat]) return TRUE;
            } else {
                if (!c.hasNow) conditional = true;
                else if (c.now >= caveatNotBefore[caveat] && c.now < caveatNotAfter[caveat]) return TRUE;
            }
        }
        int org = repoOrg[repo];
        if (org >= 0 && c.orgRule == ORG_MEMBER) {
            if (!c.teamSet && orgUsers.contains(org, subject)) return TRUE;
            int[] orgStart = orgTeams.start();
            for (int i = orgStart[org]; i < orgStart[org + 1]; i++) {
                if (Arrays.binarySearch(teamValues, from, to, orgTeams.values()[i]) >= 0) return TRUE;
            }
        } else if (org >= 0 && c.orgRule == ORG_ADMIN && !c.teamSet && orgAdmins.contains(org, subject)) {
            return TRUE;
        }
        return conditional ? CONDITIONAL : FALSE;
    }

    @Override
    public long lookupCount(Lookup lookup) {
        int[] rule = permission(lookup.resourceType(), lookup.permission());
        if (!lookup.subjectType().equals("user") || !lookup.subjectRelation().isEmpty()) {
            throw new IllegalArgumentException("the hand-written github evaluator looks up for users only");
        }
        int user = users.find(lookup.subjectId());
        if (user < 0) return 0;
        long[] found = new long[Bits.words(repos.size())];
        mark(userGrants, user, rule[0], found);
        int[] teamStart = teamSets.userGroups.start();
        int[] userTeams = teamSets.userGroups.values();
        for (int i = teamStart[user]; i < teamStart[user + 1]; i++) {
            mark(teamGrants, userTeams[i], rule[0], found);
        }
        for (int org = 0; org < orgs.size(); org++) {
            boolean viaOrg = false;
            if (rule[1] == ORG_MEMBER) {
                viaOrg = orgUsers.contains(org, user);
                for (int i = orgTeams.start()[org]; !viaOrg && i < orgTeams.start()[org + 1]; i++) {
                    viaOrg = Arrays.binarySearch(userTeams, teamStart[user], teamStart[user + 1], orgTeams.values()[i])
                            >= 0;
                }
            } else if (rule[1] == ORG_ADMIN) {
                viaOrg = orgAdmins.contains(org, user);
            }
            if (viaOrg) {
                for (int i = orgRepos.start()[org]; i < orgRepos.start()[org + 1]; i++) {
                    Bits.set(found, orgRepos.values()[i]);
                }
            }
        }
        return Bits.cardinality(found);
    }

    private void mark(Ints.Rows grantsOf, int subject, int mask, long[] found) {
        for (int i = grantsOf.start()[subject]; i < grantsOf.start()[subject + 1]; i++) {
            int g = grantsOf.values()[i];
            if (((mask >>> (grantCode[g] >>> 29)) & 1) != 0) Bits.set(found, grantRepo[g]);
        }
    }

    private static IllegalArgumentException unsupported(Tuple t) {
        return new IllegalArgumentException("the hand-written github evaluator has no rule for " + t.shape()
                + (t.caveat() == null ? "" : " with caveat " + t.caveat()));
    }
}
