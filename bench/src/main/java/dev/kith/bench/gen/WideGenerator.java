package dev.kith.bench.gen;

import dev.kith.bench.data.DatasetWriter;
import dev.kith.bench.data.Expectation;
import dev.kith.bench.data.Lookup;
import dev.kith.bench.data.Query;
import java.util.OptionalLong;
import java.util.Random;

/**
 * The wide dataset: a few resources with very many direct subjects. At scale 1: 200,000 users; 10 resources, each
 * naming 100,000 distinct users as viewers, every third of them ({@code resource:1}, {@code resource:4}, …) also
 * public ({@code user:*}), and each banning 2,000 users, half of them among its viewers: about 1.02M relationships.
 * Queries are half allowed, half denied (drawn until {@link WideTruth} gives the wanted answer, at most 32 times;
 * a quarter of the denied ones aimed at a banned user); lookups ({@code resource#view}) alternate random and
 * banned users.
 */
final class WideGenerator implements Generator {
    static final String SCHEMA = """
            definition user {}

            definition resource {
                relation viewer: user | user:*
                relation banned: user
                permission view = viewer - banned
            }
            """;

    private static final int ATTEMPTS = 32;

    private final double scale;
    private final Random random;

    WideGenerator(double scale, Random random) {
        this.scale = scale;
        this.random = random;
    }

    @Override
    public String schema() {
        return SCHEMA;
    }

    @Override
    public void write(DatasetWriter out) {
        WideWorld world = build();
        writeRelationships(world, out);
        WideTruth truth = new WideTruth(world);
        writeQueries(world, truth, out);
        writeLookups(world, truth, out);
    }

    WideWorld build() {
        WideWorld world = new WideWorld(Generator.scaled(200_000, scale, 40), Generator.scaled(10, scale, 3));
        int perResource = Math.min(world.users / 2, Generator.scaled(100_000, scale, 10));
        int bans = Math.min(world.users / 4, Generator.scaled(2_000, scale, 4));
        int[] shuffled = new int[world.users];
        for (int u = 0; u < world.users; u++) {
            shuffled[u] = u;
        }
        for (int r = 0; r < world.resources; r++) {
            // a partial Fisher-Yates shuffle: the first perResource entries are a random sample without repeats
            for (int i = 0; i < perResource; i++) {
                int j = i + random.nextInt(world.users - i);
                int swap = shuffled[i];
                shuffled[i] = shuffled[j];
                shuffled[j] = swap;
                world.viewers[r].set(shuffled[i]);
            }
            world.wildcard[r] = r % 3 == 1;
            for (int i = 0; i < bans; i++) {
                world.banned[r].set(i % 2 == 0 ? shuffled[random.nextInt(perResource)] : random.nextInt(world.users));
            }
        }
        return world;
    }

    private static void writeRelationships(WideWorld world, DatasetWriter out) {
        StringBuilder line = new StringBuilder(48);
        for (int r = 0; r < world.resources; r++) {
            for (int u = world.viewers[r].nextSetBit(0); u >= 0; u = world.viewers[r].nextSetBit(u + 1)) {
                line.setLength(0);
                out.relationship(line.append("resource:")
                        .append(r)
                        .append("#viewer@user:")
                        .append(u));
            }
            if (world.wildcard[r]) {
                line.setLength(0);
                out.relationship(line.append("resource:").append(r).append("#viewer@user:*"));
            }
            for (int u = world.banned[r].nextSetBit(0); u >= 0; u = world.banned[r].nextSetBit(u + 1)) {
                line.setLength(0);
                out.relationship(line.append("resource:")
                        .append(r)
                        .append("#banned@user:")
                        .append(u));
            }
        }
    }

    private void writeQueries(WideWorld world, WideTruth truth, DatasetWriter out) {
        int count = Generator.scaled(100_000, scale, 100);
        for (int q = 0; q < count; q++) {
            boolean wanted = q % 2 == 0;
            int resource = 0;
            int user = 0;
            boolean allowed = false;
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                resource = random.nextInt(world.resources);
                if (wanted) {
                    user = randomMember(world, resource, false);
                } else {
                    user = random.nextInt(4) == 0 ? randomMember(world, resource, true) : random.nextInt(world.users);
                }
                allowed = truth.check(resource, user);
                if (allowed == wanted) {
                    break;
                }
            }
            out.query(new Query(
                    "resource",
                    Integer.toString(resource),
                    "view",
                    "user",
                    Integer.toString(user),
                    "",
                    null,
                    Expectation.of(allowed)));
        }
    }

    /** A random viewer (or banned user) of the resource: the first set bit at or after a random user. */
    private int randomMember(WideWorld world, int resource, boolean banned) {
        var set = banned ? world.banned[resource] : world.viewers[resource];
        int found = set.nextSetBit(random.nextInt(world.users));
        return found >= 0 ? found : set.nextSetBit(0);
    }

    private void writeLookups(WideWorld world, WideTruth truth, DatasetWriter out) {
        int count = Generator.scaled(200, scale, 10);
        for (int i = 0; i < count; i++) {
            int user = i % 2 == 0 ? random.nextInt(world.users) : randomMember(world, i % world.resources, true);
            out.lookup(new Lookup(
                    "resource", "view", "user", Integer.toString(user), "", OptionalLong.of(truth.lookupCount(user))));
        }
    }
}
