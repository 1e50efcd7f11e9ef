package dev.kith.api.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kith.schema.CaveatDef;
import dev.kith.schema.Definition;
import dev.kith.schema.RelationDef;
import dev.kith.schema.SchemaException;
import dev.kith.schema.SchemaLimits;
import dev.kith.schema.Schemas;
import dev.kith.schema.ValidatedSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a schema write changed, for its audit line: the definitions and caveats added, removed and changed, by name.
 * Both schemas are compared as compiled, so comments, formatting and order do not count as changes: a definition
 * changed when its relations and permissions (their names, allowed subjects or expressions) differ, a caveat when
 * its parameters or expression do.
 */
record SchemaDiff(
        List<String> definitionsAdded,
        List<String> definitionsRemoved,
        List<String> definitionsChanged,
        List<String> caveatsAdded,
        List<String> caveatsRemoved,
        List<String> caveatsChanged) {

    /** The change from {@code before} (null: no schema yet) to {@code after}; null if either does not compile. */
    static SchemaDiff of(String before, String after) {
        ValidatedSchema old;
        ValidatedSchema now;
        try {
            old = before == null || before.isBlank() ? null : Schemas.compile("", before, SchemaLimits.STORED);
            now = Schemas.compile("", after, SchemaLimits.STORED);
        } catch (SchemaException | RuntimeException e) {
            return null;
        }
        Map<String, Definition> oldDefinitions = old == null ? Map.of() : old.definitions();
        Map<String, CaveatDef> oldCaveats = old == null ? Map.of() : old.caveats();
        List<String> da = new ArrayList<>();
        List<String> dr = new ArrayList<>();
        List<String> dc = new ArrayList<>();
        now.definitions().forEach((name, d) -> {
            Definition o = oldDefinitions.get(name);
            if (o == null) da.add(name);
            else if (!sameRelations(o, d)) dc.add(name);
        });
        oldDefinitions.keySet().stream()
                .filter(n -> !now.definitions().containsKey(n))
                .forEach(dr::add);
        List<String> ca = new ArrayList<>();
        List<String> cr = new ArrayList<>();
        List<String> cc = new ArrayList<>();
        now.caveats().forEach((name, c) -> {
            CaveatDef o = oldCaveats.get(name);
            if (o == null) ca.add(name);
            else if (!o.parameters().equals(c.parameters()) || !o.expression().equals(c.expression())) cc.add(name);
        });
        oldCaveats.keySet().stream().filter(n -> !now.caveats().containsKey(n)).forEach(cr::add);
        return new SchemaDiff(da, dr, dc, ca, cr, cc);
    }

    private static boolean sameRelations(Definition a, Definition b) {
        if (!a.relations().keySet().equals(b.relations().keySet())) return false;
        for (var e : a.relations().entrySet()) {
            RelationDef x = e.getValue();
            RelationDef y = b.relations().get(e.getKey());
            if (x.kind() != y.kind()
                    || !Objects.equals(x.allowedSubjects(), y.allowedSubjects())
                    || !Objects.equals(x.rewrite(), y.rewrite())) return false;
        }
        return true;
    }

    /**
     * Adds the lists that are not empty to {@code n} ({@code definitionsAdded}, …), each of at most {@link
     * #MAX_NAMES} names; nothing for a null diff.
     */
    static void into(SchemaDiff diff, ObjectNode n) {
        if (diff == null) return;
        list(n, "definitionsAdded", diff.definitionsAdded);
        list(n, "definitionsRemoved", diff.definitionsRemoved);
        list(n, "definitionsChanged", diff.definitionsChanged);
        list(n, "caveatsAdded", diff.caveatsAdded);
        list(n, "caveatsRemoved", diff.caveatsRemoved);
        list(n, "caveatsChanged", diff.caveatsChanged);
    }

    /** Names listed per list at most; past it the list ends there and {@code <field>Count} gives the whole count. */
    static final int MAX_NAMES = 20;

    private static void list(ObjectNode n, String field, List<String> names) {
        if (names.isEmpty()) return;
        ArrayNode a = n.putArray(field);
        names.stream().limit(MAX_NAMES).forEach(a::add);
        if (names.size() > MAX_NAMES) n.put(field + "Count", names.size());
    }
}
