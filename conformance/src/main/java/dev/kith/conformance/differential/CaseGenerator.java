package dev.kith.conformance.differential;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Seeded random cases: the same seed always gives the same case. A schema has the types {@code doc}, {@code
 * folder} and {@code team}, each with relations {@code rel_a}, {@code rel_b} (allowing users, {@code user:*},
 * {@code team:*}, subject sets, caveated users with {@code flagged(flag bool)} or {@code limited(amount int, cap
 * int)}, users with expiration), a {@code parent} relation for arrows and permissions {@code perm_a} and {@code
 * perm_b} built from union, intersection, exclusion, arrows, {@code .any()}, {@code .all()} and {@code nil}.
 * Relationships are random over three ids per type, with wildcards, subject sets, caveats with partial stored
 * context, expirations in the far past or far future (both sides use the real clock) and deliberate cycles
 * through subject sets and parents. The queries are a grid of checks (every resource, relation and permission
 * against users, a user stored nowhere, the wildcard, subject sets and objects), lookup-resources and
 * lookup-subjects, all with one request context drawn per case (often partial, so caveats stay conditional).
 * Every even seed is a wildcard case (see {@link #schema}): lookup-subjects' subject-set algebra under stress.
 */
public final class CaseGenerator {
    static final String[] TYPES = {"doc", "folder", "team"};
    static final String[] RELATIONS = {"rel_a", "rel_b"};
    static final String[] NAMES = {"rel_a", "rel_b", "parent", "perm_a", "perm_b"};
    static final String[] IDS = {"x1", "x2", "x3"};
    static final String[] USERS = {"u1", "u2", "u3"};
    static final String PAST = "2000-01-01T00:00:00Z";
    static final String FUTURE = "2100-01-01T00:00:00Z";

    private static final String[] ALLOWED = {
        "user",
        "user",
        "user:*",
        "user with flagged",
        "user with limited",
        "user with expiration",
        "user with flagged and expiration",
        "team#rel_a",
        "doc#rel_b",
        "folder#perm_a",
        "doc#rel_a",
        "team:*"
    };
    private static final String[] PARENTS = {
        "folder", "folder", "doc", "team", "folder with flagged", "folder with expiration", "team#rel_a"
    };
    private static final String[] PERM_A_LEAVES = {
        "rel_a", "rel_b", "parent->rel_a", "parent->perm_a", "parent.all(rel_b)", "parent.any(rel_a)", "nil"
    };
    private static final String[] PERM_B_LEAVES = {
        "rel_a", "rel_b", "perm_a", "parent->perm_b", "parent->rel_b", "parent.all(perm_a)", "nil"
    };
    /** rel_b in a wildcard case: the wildcard beside caveated (and plain) users. */
    private static final String[][] WILDCARD_REL_B = {
        {"user:*", "user with flagged"},
        {"user:*", "user with limited"},
        {"user:*", "user with flagged", "user"},
        {"user:*", "user with flagged and expiration", "user with limited"}
    };
    /** rel_a in a wildcard case: never a wildcard, so the subject sets naming it stay legal. */
    private static final String[] WILDCARD_REL_A = {
        "user", "user with flagged", "user with limited", "user with expiration", "team#rel_a", "folder#perm_a"
    };
    /** perm_a in a wildcard case: the wildcard of rel_b under exclusion and intersection. */
    private static final String[] WILDCARD_PERM_A = {
        "rel_b - rel_a",
        "rel_b & rel_a",
        "(rel_b - rel_a) + rel_a",
        "rel_b - (rel_a & rel_b)",
        "(rel_b - rel_a) & rel_b"
    };
    /** perm_b in a wildcard case: wildcards meeting wildcards (with exclusions) and concrete subjects. */
    private static final String[] WILDCARD_PERM_B = {
        "rel_b - perm_a", "perm_a & rel_b", "(perm_a + rel_a) - rel_b", "perm_a - parent->perm_a", "rel_b & perm_a"
    };

    private static final List<Map<String, Object>> CONTEXTS = List.of(
            Map.of(),
            Map.of(),
            Map.of("flag", true),
            Map.of("flag", false),
            Map.of("amount", 1),
            Map.of("cap", 3),
            Map.of("amount", 1, "cap", 3, "flag", true),
            Map.of("amount", 9, "cap", 3));

    private CaseGenerator() {}

    /** The case of {@code seed}. */
    public static DiffCase generate(long seed) {
        Random rnd = new Random(seed);
        Map<String, List<String>> allowed = new LinkedHashMap<>();
        boolean wildcards = seed % 2 == 0; // the even seeds (a first draw of Random hardly varies with the seed)
        String schema = schema(rnd, allowed, wildcards);
        List<String> relationships = relationships(rnd, allowed, wildcards);
        Map<String, Object> context = CONTEXTS.get(rnd.nextInt(CONTEXTS.size()));

        List<String> subjects = new ArrayList<>();
        for (String u : USERS) subjects.add("user:" + u);
        subjects.add("user:nobody");
        subjects.add("user:*");
        for (String id : IDS) subjects.add("team:" + id + "#rel_a");
        subjects.add("doc:x1#rel_b");
        for (String id : IDS) subjects.add("folder:" + id);

        List<DiffCase.CheckQuery> checks = new ArrayList<>();
        List<DiffCase.LookupResourcesQuery> lookupResources = new ArrayList<>();
        List<DiffCase.LookupSubjectsQuery> lookupSubjects = new ArrayList<>();
        for (String type : TYPES) {
            for (String name : NAMES) {
                for (String id : IDS) {
                    for (String subject : subjects) {
                        checks.add(new DiffCase.CheckQuery(type + ":" + id, name, subject));
                    }
                    String resource = type + ":" + id;
                    lookupSubjects.add(new DiffCase.LookupSubjectsQuery(resource, name, "user", null));
                    lookupSubjects.add(new DiffCase.LookupSubjectsQuery(resource, name, "team", "rel_a"));
                    lookupSubjects.add(new DiffCase.LookupSubjectsQuery(resource, name, "folder", null));
                }
                for (String subject : subjects) {
                    if (subject.equals("user:nobody") || subject.equals("doc:x1#rel_b")) continue;
                    lookupResources.add(new DiffCase.LookupResourcesQuery(type, name, subject));
                }
            }
        }
        return new DiffCase(
                "seed-" + seed, seed, schema, relationships, context, checks, lookupResources, lookupSubjects);
    }

    /**
     * The schema. A wildcard case ({@code wildcards}) gives every type's {@code rel_b} the wildcard beside caveated
     * users, keeps wildcards out of {@code rel_a}, and builds the permissions mostly from exclusions and
     * intersections of the two (lookup-subjects' subject-set algebra: concrete subjects beside a wildcard, exclusions
     * with their own caveats, wildcards meeting wildcards).
     */
    static String schema(Random rnd, Map<String, List<String>> allowedOut, boolean wildcards) {
        StringBuilder b = new StringBuilder("use expiration\n\n");
        b.append("caveat flagged(flag bool) {\n    flag\n}\n\n");
        b.append("caveat limited(amount int, cap int) {\n    amount < cap\n}\n\n");
        b.append("definition user {}\n\n");
        for (String t : TYPES) {
            b.append("definition ").append(t).append(" {\n");
            for (String r : RELATIONS) {
                Set<String> allowed = new LinkedHashSet<>();
                int n = 1 + rnd.nextInt(3);
                if (wildcards && r.equals("rel_b")) {
                    allowed.addAll(List.of(WILDCARD_REL_B[rnd.nextInt(WILDCARD_REL_B.length)]));
                } else if (wildcards) {
                    while (allowed.size() < n) allowed.add(WILDCARD_REL_A[rnd.nextInt(WILDCARD_REL_A.length)]);
                } else {
                    while (allowed.size() < n) allowed.add(ALLOWED[rnd.nextInt(ALLOWED.length)]);
                }
                allowedOut.put(t + "#" + r, List.copyOf(allowed));
                b.append("    relation ")
                        .append(r)
                        .append(": ")
                        .append(String.join(" | ", allowed))
                        .append('\n');
            }
            Set<String> parents = new LinkedHashSet<>();
            int n = 1 + rnd.nextInt(2);
            while (parents.size() < n) parents.add(PARENTS[rnd.nextInt(PARENTS.length)]);
            allowedOut.put(t + "#parent", List.copyOf(parents));
            b.append("    relation parent: ")
                    .append(String.join(" | ", parents))
                    .append('\n');
            b.append("    permission perm_a = ")
                    .append(
                            wildcards && rnd.nextInt(4) > 0
                                    ? WILDCARD_PERM_A[rnd.nextInt(WILDCARD_PERM_A.length)]
                                    : expression(rnd, 2, new ArrayList<>(List.of(PERM_A_LEAVES))))
                    .append('\n');
            b.append("    permission perm_b = ")
                    .append(
                            wildcards && rnd.nextInt(4) > 0
                                    ? WILDCARD_PERM_B[rnd.nextInt(WILDCARD_PERM_B.length)]
                                    : expression(rnd, 2, new ArrayList<>(List.of(PERM_B_LEAVES))))
                    .append('\n');
            b.append("}\n\n");
        }
        return b.toString();
    }

    /**
     * An expression over distinct leaves (each drawn once from {@code leaves}): a repeated arrow over a cycle in
     * the data makes SpiceDB's evaluation, which has no memo, exponential in its depth limit.
     */
    static String expression(Random rnd, int depth, List<String> leaves) {
        if (depth == 0 || leaves.size() < 2 || rnd.nextInt(3) == 0) return leaves.remove(rnd.nextInt(leaves.size()));
        String op = new String[] {" + ", " & ", " - "}[rnd.nextInt(3)];
        String left = expression(rnd, depth - 1, leaves);
        return "(" + left + op + expression(rnd, depth - 1, leaves) + ")";
    }

    /**
     * The relationships. A wildcard case first puts, on two objects of each type, the wildcard into {@code rel_b}
     * beside users (often caveated) in {@code rel_b} and in {@code rel_a}, drawn from the same three users so that
     * grants and exclusions meet on one subject.
     */
    static List<String> relationships(Random rnd, Map<String, List<String>> allowed, boolean wildcards) {
        Map<String, String> out = new LinkedHashMap<>(); // keyed without the suffix: one relationship per key
        if (wildcards) {
            for (String type : TYPES) {
                for (int k = 0; k < 2; k++) {
                    String resource = type + ":" + IDS[rnd.nextInt(IDS.length)];
                    add(out, resource + "#rel_b", "user:*");
                    for (String relation : RELATIONS) {
                        List<String> users = allowed.get(type + "#" + relation).stream()
                                .filter(o -> o.startsWith("user") && !o.startsWith("user:*"))
                                .toList();
                        for (int u = rnd.nextInt(3); u > 0 && !users.isEmpty(); u--) {
                            add(out, resource + "#" + relation, subject(rnd, users.get(rnd.nextInt(users.size()))));
                        }
                    }
                }
            }
        }
        int n = 10 + rnd.nextInt(25);
        for (int i = 0; i < n; i++) {
            String type = TYPES[rnd.nextInt(TYPES.length)];
            String relation = new String[] {"rel_a", "rel_b", "parent"}[rnd.nextInt(3)];
            List<String> options = allowed.get(type + "#" + relation);
            String resource = type + ":" + IDS[rnd.nextInt(IDS.length)];
            add(out, resource + "#" + relation, subject(rnd, options.get(rnd.nextInt(options.size()))));
        }
        // a cycle through data where the schema allows one: a subject set or parent of the resource's own type
        if (rnd.nextInt(3) > 0) {
            for (String type : TYPES) {
                for (String relation : new String[] {"rel_a", "rel_b", "parent"}) {
                    for (String option : allowed.get(type + "#" + relation)) {
                        String subjectRelation = selfSubjectRelation(type, relation, option);
                        if (subjectRelation == null || rnd.nextBoolean()) continue;
                        String a = IDS[rnd.nextInt(IDS.length)];
                        String b = IDS[rnd.nextInt(IDS.length)];
                        add(out, type + ":" + a + "#" + relation, type + ":" + b + subjectRelation);
                        add(out, type + ":" + b + "#" + relation, type + ":" + a + subjectRelation);
                    }
                }
            }
        }
        return new ArrayList<>(out.values());
    }

    /** The subject relation suffix ("" for an object) when {@code option} links {@code type} to itself. */
    private static String selfSubjectRelation(String type, String relation, String option) {
        if (option.equals(type)) return "";
        if (option.equals(type + "#" + relation)) return "#" + relation;
        if (option.startsWith(type + "#") && !option.contains(" ")) return option.substring(type.length());
        return null;
    }

    private static void add(Map<String, String> out, String resourceAndRelation, String subject) {
        int bracket = subject.indexOf('[');
        String key = resourceAndRelation + "@" + (bracket < 0 ? subject : subject.substring(0, bracket));
        out.put(key, resourceAndRelation + "@" + subject);
    }

    private static String subject(Random rnd, String option) {
        String[] parts = option.split(" with ", 2);
        String base = parts[0];
        String subject;
        if (base.endsWith(":*")) {
            subject = base;
        } else if (base.contains("#")) {
            String[] set = base.split("#");
            subject = set[0] + ":" + IDS[rnd.nextInt(IDS.length)] + "#" + set[1];
        } else if (base.equals("user")) {
            subject = "user:" + USERS[rnd.nextInt(USERS.length)];
        } else {
            subject = base + ":" + IDS[rnd.nextInt(IDS.length)];
        }
        if (parts.length == 1) return subject;
        StringBuilder b = new StringBuilder(subject);
        for (String trait : parts[1].split(" and ")) {
            switch (trait) {
                case "flagged" ->
                    b.append(new String[] {"[flagged]", "[flagged:{\"flag\":true}]", "[flagged:{\"flag\":false}]"}
                            [rnd.nextInt(3)]);
                case "limited" ->
                    b.append(new String[] {
                                "[limited]",
                                "[limited:{\"cap\":3}]",
                                "[limited:{\"amount\":1,\"cap\":3}]",
                                "[limited:{\"amount\":5}]"
                            }
                            [rnd.nextInt(4)]);
                case "expiration" ->
                    b.append("[expiration:")
                            .append(rnd.nextBoolean() ? PAST : FUTURE)
                            .append(']');
                default -> throw new IllegalStateException("unknown trait " + trait);
            }
        }
        return b.toString();
    }
}
