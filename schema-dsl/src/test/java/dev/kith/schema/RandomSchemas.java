package dev.kith.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes random valid schemas from a seed: definitions whose relations allow earlier types, subject
 * sets, wildcards and caveats; permissions over relations, earlier permissions (so never a cycle),
 * arrows to {@code rel_0} (every type has one) and {@code nil}, with random parentheses, spacing, comments and semicolons.
 */
final class RandomSchemas {
    private static final String[] CAVEAT_TYPES = {
        "int",
        "uint",
        "double",
        "bool",
        "string",
        "bytes",
        "duration",
        "timestamp",
        "list<int>",
        "map<string>",
        "ipaddress",
        "any"
    };

    private final Random random;
    private final StringBuilder out = new StringBuilder();

    /** Per definition: its relation names, and which of them allow a wildcard. */
    /** Every {@code type#relation} that can hold a wildcard, directly or through its subject sets. */
    private final java.util.Set<String> reaching = new java.util.HashSet<>();

    private record Shape(String name, List<String> relations, List<String> wildcardFree, List<String> all) {}

    private RandomSchemas(long seed) {
        this.random = new Random(seed);
    }

    static String generate(long seed) {
        return new RandomSchemas(seed).schema();
    }

    private String schema() {
        List<String> caveats = new ArrayList<>();
        int caveatCount = random.nextInt(3);
        for (int c = 0; c < caveatCount; c++) {
            String name = (random.nextBoolean() ? "pre_" + c + "/" : "") + "cav_" + c;
            caveats.add(name);
            comment();
            out.append("caveat ").append(name).append("(");
            int params = 1 + random.nextInt(3);
            for (int p = 0; p < params; p++) {
                out.append(p > 0 ? ", " : "").append("p").append(p).append(' ');
                out.append(p == 0 ? "int" : CAVEAT_TYPES[random.nextInt(CAVEAT_TYPES.length)]);
            }
            out.append(") {").append(random.nextBoolean() ? "\n      " : " ");
            out.append("p0 > ").append(random.nextInt(100));
            if (random.nextBoolean()) {
                out.append("\n        && p0 < 1000");
            }
            out.append(random.nextBoolean() ? "\n}\n\n" : " }\n");
        }
        List<Shape> shapes = new ArrayList<>();
        int definitions = 1 + random.nextInt(6);
        for (int d = 0; d < definitions; d++) {
            shapes.add(definition(d, shapes, caveats));
        }
        return out.toString();
    }

    private Shape definition(int index, List<Shape> earlier, List<String> caveats) {
        String name = (random.nextInt(4) == 0 ? "tenant/" : "") + "type_" + index;
        comment();
        out.append("definition ").append(name).append(" {");
        List<String> relations = new ArrayList<>();
        List<String> wildcardFree = new ArrayList<>();
        List<String> all = new ArrayList<>();
        int relationCount = 1 + random.nextInt(4);
        for (int r = 0; r < relationCount; r++) {
            String relation = "rel_" + r;
            newline();
            comment();
            out.append("relation ").append(relation).append(": ");
            boolean wildcard = false;
            int subjects = 1 + random.nextInt(3);
            List<String> written = new ArrayList<>();
            for (int s = 0; s < subjects; s++) {
                String subject = subject(name, earlier, relations, caveats);
                if (written.contains(subject)) {
                    continue;
                }
                wildcard |= subject.contains(":*") || reaching.contains(subject.split(" ")[0]);
                out.append(written.isEmpty() ? "" : random.nextBoolean() ? " | " : "|")
                        .append(subject);
                written.add(subject);
            }
            relations.add(relation);
            all.add(relation);
            if (!wildcard) {
                wildcardFree.add(relation);
            } else {
                reaching.add(name + "#" + relation);
            }
        }
        int permissions = random.nextInt(4);
        for (int p = 0; p < permissions && !all.isEmpty(); p++) {
            String permission = "perm_" + p;
            newline();
            comment();
            out.append("permission ").append(permission).append(" = ");
            expression(all, wildcardFree, earlier, 3);
            all.add(permission);
        }
        out.append(all.isEmpty() && random.nextBoolean() ? "}\n\n" : "\n}\n\n");
        return new Shape(name, relations, wildcardFree, all);
    }

    private String subject(String self, List<Shape> earlier, List<String> ownRelations, List<String> caveats) {
        int choice = random.nextInt(5);
        if (earlier.isEmpty() || choice == 0) {
            return self + (ownRelations.isEmpty() || random.nextBoolean() ? "" : "#" + pick(ownRelations));
        }
        Shape target = earlier.get(random.nextInt(earlier.size()));
        String subject = switch (choice) {
            case 1 -> target.name() + ":*";
            // a subject set of another type must never hold a wildcard, not even through its own subject sets
            case 2 ->
                target.wildcardFree().isEmpty() ? target.name() : target.name() + "#" + pick(target.wildcardFree());
            default -> target.name();
        };
        if (!caveats.isEmpty() && random.nextInt(3) == 0) {
            subject += " with " + pick(caveats);
        }
        return subject;
    }

    private void expression(List<String> names, List<String> wildcardFree, List<Shape> earlier, int depth) {
        int choice = depth == 0 ? random.nextInt(3) : random.nextInt(6);
        switch (choice) {
            case 0, 1 -> out.append(pick(names));
            case 2 -> {
                if (!wildcardFree.isEmpty() && random.nextBoolean()) {
                    out.append(pick(wildcardFree));
                    out.append(random.nextBoolean() ? "->" : random.nextBoolean() ? ".any(" : ".all(");
                    boolean call = out.charAt(out.length() - 1) == '(';
                    out.append("rel_0");
                    if (call) {
                        out.append(')');
                    }
                } else {
                    out.append("nil");
                }
            }
            default -> {
                boolean parens = random.nextInt(3) == 0;
                if (parens) {
                    out.append('(');
                }
                expression(names, wildcardFree, earlier, depth - 1);
                out.append(
                        switch (random.nextInt(3)) {
                            case 0 -> " + ";
                            case 1 -> " & ";
                            default -> " - ";
                        });
                expression(names, wildcardFree, earlier, depth - 1);
                if (parens) {
                    out.append(')');
                }
            }
        }
    }

    private void newline() {
        if (random.nextInt(5) == 0 && out.charAt(out.length() - 1) != '{') {
            out.append(';');
        }
        out.append('\n').append(random.nextBoolean() ? "    " : "\t");
    }

    private void comment() {
        switch (random.nextInt(6)) {
            case 0 -> out.append("/** doc ").append(random.nextInt(1000)).append(" */\n");
            case 1 -> out.append("// plain comment\n");
            case 2 -> out.append("/**\n * doc line\n *   indented\n */\n");
            default -> {}
        }
    }

    private String pick(List<String> names) {
        return names.get(random.nextInt(names.size()));
    }
}
