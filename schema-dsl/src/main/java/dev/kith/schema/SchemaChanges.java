package dev.kith.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The differences between two schemas, item by item, as SpiceDB's DiffSchema lists them: definitions and caveats
 * added and removed; in a definition both schemas have, its doc comment, relations and permissions added and
 * removed, a permission's expression or comment, a relation's comment and the subject types it allows; in a
 * caveat both have, its comment, parameters added, removed or retyped, and its expression.
 *
 * <p>Order: definitions added, definitions removed, caveats added, caveats removed, then each changed definition
 * and each changed caveat; names in each group in name order (SpiceDB's own order there is a hash map's). Inside a
 * definition: its comment, relations removed, relations added, permissions removed, permissions added, then each
 * permission both have (expression, comment), then each relation both have (comment, subject types removed,
 * subject types added). Inside a caveat: its comment, parameters removed, added, retyped, its expression.
 *
 * <p>A relation that became a permission of the same name (or the reverse) is a relation removed and a permission
 * added. Permission expressions compare as compiled ({@code a + (b + c)} equals {@code a + b + c}); caveat
 * expressions as CEL prints them back, so spacing does not count.
 */
public final class SchemaChanges {
    private SchemaChanges() {}

    /** What changed. */
    public enum Kind {
        DEFINITION_ADDED,
        DEFINITION_REMOVED,
        DEFINITION_DOC_COMMENT_CHANGED,
        RELATION_ADDED,
        RELATION_REMOVED,
        RELATION_DOC_COMMENT_CHANGED,
        RELATION_SUBJECT_TYPE_ADDED,
        RELATION_SUBJECT_TYPE_REMOVED,
        PERMISSION_ADDED,
        PERMISSION_REMOVED,
        PERMISSION_DOC_COMMENT_CHANGED,
        PERMISSION_EXPR_CHANGED,
        CAVEAT_ADDED,
        CAVEAT_REMOVED,
        CAVEAT_DOC_COMMENT_CHANGED,
        CAVEAT_EXPR_CHANGED,
        CAVEAT_PARAMETER_ADDED,
        CAVEAT_PARAMETER_REMOVED,
        CAVEAT_PARAMETER_TYPE_CHANGED
    }

    /**
     * One change.
     *
     * @param kind what changed
     * @param definition the definition's name, for definition, relation and permission changes
     * @param member the relation's or permission's name, for their changes
     * @param caveat the caveat's name, for caveat changes
     * @param parameter the parameter's name, for parameter changes
     * @param subjectType the subject type added or removed
     * @param previousType a retyped parameter's type before
     * @param fromExisting whether the item is described as it is in the existing schema (removals) rather than
     *     in the compared one
     */
    public record Change(
            Kind kind,
            String definition,
            String member,
            String caveat,
            String parameter,
            AllowedSubject subjectType,
            CaveatType previousType,
            boolean fromExisting) {
        static Change definition(Kind kind, String definition, boolean fromExisting) {
            return new Change(kind, definition, null, null, null, null, null, fromExisting);
        }

        static Change member(Kind kind, String definition, String member, boolean fromExisting) {
            return new Change(kind, definition, member, null, null, null, null, fromExisting);
        }

        static Change caveat(Kind kind, String caveat, String parameter, boolean fromExisting) {
            return new Change(kind, null, null, caveat, parameter, null, null, fromExisting);
        }
    }

    /** The changes from {@code existing} (null: no schema) to {@code compared}, in the order described above. */
    public static List<Change> between(ValidatedSchema existing, ValidatedSchema compared) {
        Map<String, Definition> oldDefs = existing == null ? Map.of() : existing.definitions();
        Map<String, CaveatDef> oldCaveats = existing == null ? Map.of() : existing.caveats();
        Map<String, String> oldComments = existing == null ? Map.of() : SchemaReflection.comments(existing);
        Map<String, String> newComments = SchemaReflection.comments(compared);
        List<Change> out = new ArrayList<>();
        for (String name : new TreeSet<>(compared.definitions().keySet())) {
            if (!oldDefs.containsKey(name)) out.add(Change.definition(Kind.DEFINITION_ADDED, name, false));
        }
        for (String name : new TreeSet<>(oldDefs.keySet())) {
            if (!compared.definitions().containsKey(name)) {
                out.add(Change.definition(Kind.DEFINITION_REMOVED, name, true));
            }
        }
        for (String name : new TreeSet<>(compared.caveats().keySet())) {
            if (!oldCaveats.containsKey(name)) out.add(Change.caveat(Kind.CAVEAT_ADDED, name, null, false));
        }
        for (String name : new TreeSet<>(oldCaveats.keySet())) {
            if (!compared.caveats().containsKey(name)) out.add(Change.caveat(Kind.CAVEAT_REMOVED, name, null, true));
        }
        for (String name : new TreeSet<>(compared.definitions().keySet())) {
            Definition before = oldDefs.get(name);
            if (before != null) {
                definition(before, compared.definition(name), oldComments, newComments, out);
            }
        }
        for (String name : new TreeSet<>(compared.caveats().keySet())) {
            if (oldCaveats.containsKey(name)) caveat(existing, compared, name, oldComments, newComments, out);
        }
        return out;
    }

    private static void definition(
            Definition before,
            Definition after,
            Map<String, String> oldComments,
            Map<String, String> newComments,
            List<Change> out) {
        String name = after.name();
        String key = "definition " + name;
        if (!Objects.equals(oldComments.get(key), newComments.get(key))) {
            out.add(Change.definition(Kind.DEFINITION_DOC_COMMENT_CHANGED, name, false));
        }
        java.util.SortedSet<String> oldRelations = members(before, false);
        java.util.SortedSet<String> newRelations = members(after, false);
        java.util.SortedSet<String> oldPermissions = members(before, true);
        java.util.SortedSet<String> newPermissions = members(after, true);
        for (String r : oldRelations) {
            if (!newRelations.contains(r)) out.add(Change.member(Kind.RELATION_REMOVED, name, r, true));
        }
        for (String r : newRelations) {
            if (!oldRelations.contains(r)) out.add(Change.member(Kind.RELATION_ADDED, name, r, false));
        }
        for (String p : oldPermissions) {
            if (!newPermissions.contains(p)) out.add(Change.member(Kind.PERMISSION_REMOVED, name, p, true));
        }
        for (String p : newPermissions) {
            if (!oldPermissions.contains(p)) out.add(Change.member(Kind.PERMISSION_ADDED, name, p, false));
        }
        for (String p : newPermissions) {
            if (!oldPermissions.contains(p)) continue;
            if (!before.relation(p).rewrite().equals(after.relation(p).rewrite())) {
                out.add(Change.member(Kind.PERMISSION_EXPR_CHANGED, name, p, false));
            }
            String k = key + "#" + p;
            if (!Objects.equals(oldComments.get(k), newComments.get(k))) {
                out.add(Change.member(Kind.PERMISSION_DOC_COMMENT_CHANGED, name, p, false));
            }
        }
        for (String r : newRelations) {
            if (!oldRelations.contains(r)) continue;
            String k = key + "#" + r;
            if (!Objects.equals(oldComments.get(k), newComments.get(k))) {
                out.add(Change.member(Kind.RELATION_DOC_COMMENT_CHANGED, name, r, false));
            }
            List<AllowedSubject> was = before.relation(r).allowedSubjects();
            List<AllowedSubject> is = after.relation(r).allowedSubjects();
            for (AllowedSubject s : was) {
                if (!is.contains(s)) {
                    out.add(new Change(Kind.RELATION_SUBJECT_TYPE_REMOVED, name, r, null, null, s, null, false));
                }
            }
            for (AllowedSubject s : is) {
                if (!was.contains(s)) {
                    out.add(new Change(Kind.RELATION_SUBJECT_TYPE_ADDED, name, r, null, null, s, null, false));
                }
            }
        }
    }

    private static java.util.SortedSet<String> members(Definition d, boolean permissions) {
        TreeSet<String> names = new TreeSet<>();
        d.relations().forEach((n, r) -> {
            if (r.isPermission() == permissions) names.add(n);
        });
        return names;
    }

    private static void caveat(
            ValidatedSchema existing,
            ValidatedSchema compared,
            String name,
            Map<String, String> oldComments,
            Map<String, String> newComments,
            List<Change> out) {
        CaveatDef before = existing.caveat(name);
        CaveatDef after = compared.caveat(name);
        String key = "caveat " + name;
        if (!Objects.equals(oldComments.get(key), newComments.get(key))) {
            out.add(Change.caveat(Kind.CAVEAT_DOC_COMMENT_CHANGED, name, null, false));
        }
        for (String p : new TreeSet<>(before.parameters().keySet())) {
            if (!after.parameters().containsKey(p)) {
                out.add(Change.caveat(Kind.CAVEAT_PARAMETER_REMOVED, name, p, true));
            }
        }
        for (String p : new TreeSet<>(after.parameters().keySet())) {
            if (!before.parameters().containsKey(p)) {
                out.add(Change.caveat(Kind.CAVEAT_PARAMETER_ADDED, name, p, false));
            }
        }
        for (String p : new TreeSet<>(after.parameters().keySet())) {
            CaveatType was = before.parameters().get(p);
            if (was != null && !was.equals(after.parameters().get(p))) {
                out.add(new Change(Kind.CAVEAT_PARAMETER_TYPE_CHANGED, null, null, name, p, null, was, false));
            }
        }
        if (!SchemaReflection.expression(existing, name).equals(SchemaReflection.expression(compared, name))) {
            out.add(Change.caveat(Kind.CAVEAT_EXPR_CHANGED, name, null, false));
        }
    }
}
