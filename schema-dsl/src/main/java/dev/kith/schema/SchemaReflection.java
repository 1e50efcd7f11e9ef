package dev.kith.schema;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.parser.CelUnparserFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What SpiceDB's schema reflection answers, computed from a {@link ValidatedSchema}: the comments written above
 * each definition, relation, permission and caveat; which relations and permissions a relation feeds (computable
 * permissions) and which ones a permission is computed from (dependent relations); a caveat's expression and its
 * parameter types as SpiceDB spells them. Pure functions over the schema, so the server only maps them to the
 * wire.
 *
 * <p>The dependency walk is SpiceDB's reachability graph: a relation's entry points are its allowed subject types
 * ({@code group#member}, or {@code user#...} for a plain subject, or {@code user:*} for any user); a permission's are
 * the relations and permissions its expression names on the same object and, for an arrow {@code parent->view}, the
 * {@code view} of every type {@code parent} allows that has one (and {@code parent} itself counts as encountered).
 * Intersections and exclusions count both sides.
 */
public final class SchemaReflection {
    /** The relation a plain subject ({@code user}, not {@code user#rel}) stands for. */
    public static final String ELLIPSIS = "...";

    private SchemaReflection() {}

    /**
     * A relation or permission of a definition, as computable permissions and dependent relations list them.
     *
     * @param definition the definition's name
     * @param relation the relation's or permission's name
     * @param permission whether it is a permission
     */
    public record RelationRef(String definition, String relation, boolean permission) {}

    // ---- comments

    /**
     * The comments written before each item, as SpiceDB reflects them: every {@code //} and {@code /* … *}{@code /}
     * comment between the previous piece of code and the item's keyword (a comment ending the previous line
     * excepted), each line trimmed, the comments joined by line breaks. Keyed {@code "definition name"}, {@code
     * "definition name#member"} and {@code "caveat name"}; an item without comments is absent.
     */
    public static Map<String, String> comments(ValidatedSchema schema) {
        Map<String, String> out = new HashMap<>();
        Lexer lexer = new Lexer(new SourceText("", schema.source()), new ArrayList<>());
        Token previous = null;
        Token t = lexer.next();
        String definition = null;
        while (!t.is(TokenType.EOF)) {
            if (definition == null && t.isWord("definition")) {
                Token keyword = t;
                StringBuilder name = new StringBuilder();
                t = lexer.next();
                while (!t.is(TokenType.EOF) && !t.is(TokenType.LEFT_BRACE)) {
                    name.append(t.text());
                    t = lexer.next();
                }
                definition = name.toString();
                put(out, "definition " + definition, keyword, previous);
                previous = t;
                t = lexer.next();
                continue;
            }
            if (definition == null && t.isWord("caveat")) {
                Token keyword = t;
                StringBuilder name = new StringBuilder();
                t = lexer.next();
                while (!t.is(TokenType.EOF) && !t.is(TokenType.LEFT_PAREN)) {
                    name.append(t.text());
                    t = lexer.next();
                }
                put(out, "caveat " + name, keyword, previous);
                while (!t.is(TokenType.EOF) && !t.is(TokenType.LEFT_BRACE)) {
                    t = lexer.next();
                }
                if (t.is(TokenType.EOF)) break;
                lexer.readCaveatBody();
                previous = new Token(TokenType.RIGHT_BRACE, "}", 0, 0, 0, false, null, null);
                t = lexer.next();
                continue;
            }
            if (definition != null
                    && (t.isWord("relation") || t.isWord("permission"))
                    && (t.newlineBefore()
                            || previous == null
                            || previous.is(TokenType.LEFT_BRACE)
                            || previous.is(TokenType.SEMICOLON))) {
                Token keyword = t;
                t = lexer.next();
                put(out, "definition " + definition + "#" + t.text(), keyword, previous);
                previous = t;
                t = lexer.next();
                continue;
            }
            if (definition != null && t.is(TokenType.RIGHT_BRACE)) {
                definition = null;
            }
            previous = t;
            t = lexer.next();
        }
        return out;
    }

    private static void put(Map<String, String> out, String key, Token keyword, Token previous) {
        List<Token.Comment> comments = keyword.comments();
        if (comments == null || comments.isEmpty()) return;
        // a comment that ends the line of the previous statement belongs to that statement (SpiceDB ends the
        // statement at the line break, and the comment goes with it), except after an opening brace
        boolean afterBrace = previous != null && previous.is(TokenType.LEFT_BRACE);
        int from = 0;
        while (!afterBrace
                && previous != null
                && from < comments.size()
                && !comments.get(from).ownLine()) {
            from++;
        }
        List<String> texts = new ArrayList<>();
        for (int i = from; i < comments.size(); i++) {
            texts.add(normalize(comments.get(i).text()));
        }
        if (!texts.isEmpty()) out.put(key, String.join("\n", texts));
    }

    /** Each line of {@code comment} without its leading and trailing blanks. */
    private static String normalize(String comment) {
        String[] lines = comment.split("\n", -1);
        List<String> trimmed = new ArrayList<>(lines.length);
        for (String line : lines) {
            trimmed.add(line.strip());
        }
        return String.join("\n", trimmed);
    }

    // ---- caveats

    /** How SpiceDB names a parameter type: {@code int}, {@code list<string>}, {@code map<int>}, {@code ipaddress}. */
    public static String typeName(CaveatType type) {
        return CaveatTypes.write(type);
    }

    /**
     * A caveat's expression as SpiceDB reflects it: the CEL expression printed back from its syntax tree (so
     * {@code 'a'} reads {@code "a"}, and spacing is CEL's); its source text, trimmed, when it cannot be printed.
     */
    public static String expression(ValidatedSchema schema, String caveat) {
        CaveatDef def = schema.caveat(caveat);
        if (def == null) throw new IllegalArgumentException("no caveat " + caveat);
        CelAbstractSyntaxTree ast = schema.caveatAst(caveat);
        if (ast != null) {
            try {
                String printed = CelUnparserFactory.newUnparser().unparse(ast);
                if (!printed.contains("@") && !printed.contains("__result__")) return printed;
            } catch (RuntimeException e) {
                // fall through to the source text
            }
        }
        return def.expression().strip();
    }

    // ---- the reachability graph

    /** One entry point into a relation's graph: reaching {@code subject} reaches {@code target}. */
    private record Entry(RelationKey target, String tupleset) {}

    private record RelationKey(String definition, String relation) {
        String key() {
            return definition + "#" + relation;
        }
    }

    /** A relation's or permission's entry points, by subject type (wildcards) and by subject relation. */
    private record Graph(Map<String, List<Entry>> bySubjectType, Map<String, List<Entry>> bySubjectRelation) {}

    /** The graphs of one schema, built once per relation. */
    private static final class Graphs {
        private final ValidatedSchema schema;
        private final Runnable poll;
        private final Map<String, Graph> built = new HashMap<>();

        Graphs(ValidatedSchema schema, Runnable poll) {
            this.schema = schema;
            this.poll = poll;
        }

        Graph of(RelationKey r) {
            Graph g = built.get(r.key());
            if (g != null) return g;
            g = new Graph(new LinkedHashMap<>(), new TreeMap<>());
            RelationDef def = schema.relation(r.definition(), r.relation());
            if (def != null) {
                if (def.isPermission()) {
                    rewrite(g, def.rewrite(), r);
                } else {
                    for (AllowedSubject s : def.allowedSubjects()) {
                        if (s.wildcard()) {
                            g.bySubjectType
                                    .computeIfAbsent(s.type(), k -> new ArrayList<>())
                                    .add(new Entry(r, null));
                        } else {
                            String rel = s.relation() == null ? ELLIPSIS : s.relation();
                            g.bySubjectRelation
                                    .computeIfAbsent(s.type() + "#" + rel, k -> new ArrayList<>())
                                    .add(new Entry(r, null));
                        }
                    }
                }
            }
            built.put(r.key(), g);
            return g;
        }

        private void rewrite(Graph g, Rewrite rewrite, RelationKey target) {
            switch (rewrite) {
                case Rewrite.Direct d -> {}
                case Rewrite.Nil n -> {}
                case Rewrite.Self s -> add(g, target.definition() + "#" + ELLIPSIS, new Entry(target, null));
                case Rewrite.ComputedUserset c ->
                    add(g, target.definition() + "#" + c.relation(), new Entry(target, null));
                case Rewrite.TupleToUserset ttu -> {
                    RelationDef tupleset = schema.relation(target.definition(), ttu.tupleset());
                    if (tupleset == null) return;
                    for (AllowedSubject s : tupleset.allowedSubjects()) {
                        if (schema.relation(s.type(), ttu.computed()) != null) {
                            add(g, s.type() + "#" + ttu.computed(), new Entry(target, ttu.tupleset()));
                        }
                    }
                }
                case Rewrite.Union u -> u.children().forEach(c -> rewrite(g, c, target));
                case Rewrite.Intersection i -> i.children().forEach(c -> rewrite(g, c, target));
                case Rewrite.Exclusion e -> {
                    rewrite(g, e.base(), target);
                    rewrite(g, e.subtracted(), target);
                }
            }
        }

        private static void add(Graph g, String subjectRelation, Entry e) {
            g.bySubjectRelation
                    .computeIfAbsent(subjectRelation, k -> new ArrayList<>())
                    .add(e);
        }

        /**
         * Walks outward from {@code resource}: collects the entry points for {@code subject} (every entry point when
         * null) and notes every relation encountered, following the subject relations of the graph (those other
         * than {@code ...}) in name order.
         */
        void collect(
                RelationKey resource,
                RelationKey subject,
                List<Entry> collected,
                Set<String> encountered,
                Set<String> visited) {
            if (!visited.add(resource.key())) return;
            poll.run();
            encountered.add(resource.key());
            Graph g = of(resource);
            if (subject != null) {
                List<Entry> byType = g.bySubjectType.get(subject.definition());
                if (byType != null) addAll(byType, collected, encountered);
                List<Entry> byRelation = g.bySubjectRelation.get(subject.key());
                if (byRelation != null) addAll(byRelation, collected, encountered);
            } else {
                g.bySubjectType.values().forEach(es -> addAll(es, collected, encountered));
                g.bySubjectRelation.values().forEach(es -> addAll(es, collected, encountered));
            }
            for (String key : g.bySubjectRelation.keySet()) {
                int hash = key.lastIndexOf('#');
                String relation = key.substring(hash + 1);
                if (!relation.equals(ELLIPSIS)) {
                    collect(
                            new RelationKey(key.substring(0, hash), relation),
                            subject,
                            collected,
                            encountered,
                            visited);
                }
            }
        }

        private static void addAll(List<Entry> entries, List<Entry> collected, Set<String> encountered) {
            for (Entry e : entries) {
                if (e.tupleset() != null) encountered.add(e.target().definition() + "#" + e.tupleset());
                collected.add(e);
            }
        }
    }

    /**
     * The relations and permissions {@code permission} of {@code definition} is computed from, transitively
     * (SpiceDB's DependentRelations), sorted by definition and name, without the permission itself. The caller
     * checks that both names exist.
     */
    public static List<RelationRef> dependentRelations(ValidatedSchema schema, String definition, String permission) {
        return dependentRelations(schema, definition, permission, () -> {});
    }

    /**
     * {@link #dependentRelations(ValidatedSchema, String, String)}, running {@code poll} at each step of the walk
     * (it may throw to stop it, at a deadline).
     */
    public static List<RelationRef> dependentRelations(
            ValidatedSchema schema, String definition, String permission, Runnable poll) {
        Graphs graphs = new Graphs(schema, poll);
        Set<String> encountered = new LinkedHashSet<>();
        graphs.collect(
                new RelationKey(definition, permission), null, new ArrayList<>(), encountered, new LinkedHashSet<>());
        encountered.remove(definition + "#" + permission);
        return refs(schema, encountered, null);
    }

    /**
     * The relations and permissions, of any definition, that {@code relation} of {@code definition} feeds,
     * transitively (SpiceDB's ComputablePermissions): those a subject reaching it would reach. {@code relation}
     * empty stands for the definition's objects themselves (subjects {@code definition:id}). Sorted by definition
     * and name, without {@code relation} itself, and only of definitions whose name starts with {@code
     * definitionPrefix} (empty: any). The caller checks that both names exist.
     */
    public static List<RelationRef> computablePermissions(
            ValidatedSchema schema, String definition, String relation, String definitionPrefix) {
        return computablePermissions(schema, definition, relation, definitionPrefix, () -> {});
    }

    /**
     * {@link #computablePermissions(ValidatedSchema, String, String, String)}, running {@code poll} at each step of
     * the walk (it may throw to stop it, at a deadline). The walk is SpiceDB's: every relation of every definition
     * is tried against each newly reached relation, so it grows with the square of the schema's size.
     */
    public static List<RelationRef> computablePermissions(
            ValidatedSchema schema, String definition, String relation, String definitionPrefix, Runnable poll) {
        Graphs graphs = new Graphs(schema, poll);
        Set<String> reached = new LinkedHashSet<>();
        List<RelationKey> toCheck = new ArrayList<>();
        toCheck.add(new RelationKey(definition, relation.isEmpty() ? ELLIPSIS : relation));
        while (!toCheck.isEmpty()) {
            List<Entry> collected = new ArrayList<>();
            for (Definition d : schema.definitions().values()) {
                for (String r : d.relations().keySet()) {
                    for (RelationKey subject : toCheck) {
                        if (subject.definition().equals(d.name())
                                && subject.relation().equals(r)) continue;
                        graphs.collect(
                                new RelationKey(d.name(), r),
                                subject,
                                collected,
                                new LinkedHashSet<>(),
                                new LinkedHashSet<>());
                    }
                }
            }
            toCheck = new ArrayList<>();
            for (Entry e : collected) {
                if (reached.add(e.target().key())) toCheck.add(e.target());
            }
        }
        reached.remove(definition + "#" + relation);
        return refs(schema, reached, definitionPrefix);
    }

    private static List<RelationRef> refs(ValidatedSchema schema, Set<String> keys, String definitionPrefix) {
        List<RelationRef> out = new ArrayList<>();
        for (String key : keys) {
            int hash = key.lastIndexOf('#');
            String d = key.substring(0, hash);
            String r = key.substring(hash + 1);
            if (definitionPrefix != null && !d.startsWith(definitionPrefix)) continue;
            RelationDef def = schema.relation(d, r);
            out.add(new RelationRef(d, r, def != null && def.isPermission()));
        }
        out.sort(Comparator.comparing(RelationRef::definition).thenComparing(RelationRef::relation));
        return out;
    }
}
