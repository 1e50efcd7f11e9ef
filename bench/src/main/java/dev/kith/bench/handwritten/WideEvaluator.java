package dev.kith.bench.handwritten;

import dev.kith.bench.data.Lookup;
import dev.kith.bench.data.Query;

/**
 * The hand-written evaluator of the wide schema, {@code view = viewer - banned} with {@code viewer: user | user:*}:
 * for each resource a {@code long[]} bitset of its viewers and one of its banned users, and whether it is public.
 * A check is two bit tests; a lookup tests every resource.
 */
final class WideEvaluator implements HandEvaluator {
    private final Ids users = new Ids();
    private final Ids resources = new Ids();
    private final long[][] viewers;
    private final long[][] banned;
    private final boolean[] wildcard;

    WideEvaluator(Iterable<Tuple> lines) {
        Ints viewerKeys = new Ints();
        Ints viewerValues = new Ints();
        Ints bannedKeys = new Ints();
        Ints bannedValues = new Ints();
        Ints publics = new Ints();
        for (Tuple t : lines) {
            switch (t.shape()) {
                case "resource#viewer@user" -> {
                    int resource = resources.intern(t.id());
                    if (t.subjectId().equals("*")) {
                        publics.add(resource);
                    } else {
                        viewerKeys.add(resource);
                        viewerValues.add(users.intern(t.subjectId()));
                    }
                }
                case "resource#banned@user" -> {
                    bannedKeys.add(resources.intern(t.id()));
                    bannedValues.add(users.intern(t.subjectId()));
                }
                default ->
                    throw new IllegalArgumentException("the hand-written wide evaluator has no rule for " + t.shape());
            }
        }
        int words = Bits.words(users.size());
        viewers = new long[resources.size()][words];
        banned = new long[resources.size()][words];
        wildcard = new boolean[resources.size()];
        for (int i = 0; i < viewerKeys.size(); i++) Bits.set(viewers[viewerKeys.get(i)], viewerValues.get(i));
        for (int i = 0; i < bannedKeys.size(); i++) Bits.set(banned[bannedKeys.get(i)], bannedValues.get(i));
        for (int i = 0; i < publics.size(); i++) wildcard[publics.get(i)] = true;
    }

    @Override
    public String name() {
        return "wide";
    }

    private void requireView(String type, String permission, String subjectType, String subjectRelation) {
        if (!type.equals("resource") || !permission.equals("view")) {
            throw new IllegalArgumentException("the hand-written wide evaluator answers resource#view only");
        }
        if (!subjectType.equals("user") || !subjectRelation.isEmpty()) {
            throw new IllegalArgumentException("the hand-written wide evaluator answers for users only");
        }
    }

    @Override
    public Prepared prepare(Query query) {
        requireView(query.resourceType(), query.permission(), query.subjectType(), query.subjectRelation());
        return new Check(this, resources.find(query.resourceId()), users.find(query.subjectId()));
    }

    private record Check(WideEvaluator evaluator, int resource, int user) implements Prepared {
        @Override
        public int answer() {
            return evaluator.check(resource, user) ? TRUE : FALSE;
        }
    }

    boolean check(int resource, int user) {
        if (resource < 0) return false;
        if (user < 0) return wildcard[resource];
        return (wildcard[resource] || Bits.get(viewers[resource], user)) && !Bits.get(banned[resource], user);
    }

    @Override
    public long lookupCount(Lookup lookup) {
        requireView(lookup.resourceType(), lookup.permission(), lookup.subjectType(), lookup.subjectRelation());
        int user = users.find(lookup.subjectId());
        long count = 0;
        for (int r = 0; r < wildcard.length; r++) {
            if (check(r, user)) count++;
        }
        return count;
    }
}
