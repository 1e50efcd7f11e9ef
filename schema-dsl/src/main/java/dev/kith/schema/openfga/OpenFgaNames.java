package dev.kith.schema.openfga;

import dev.kith.schema.Schemas;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The one place where OpenFGA names meet kith names, for a translated model: what a tuple, a check or a lookup
 * written with OpenFGA's names is in kith's schema, and back.
 *
 * <ul>
 *   <li><b>Names.</b> OpenFGA allows names kith does not ({@code a1}, {@code directs-user}, {@code a.b}); such a
 *       name gets a kith name made of its letters, digits and {@code _} (with a {@code t_}, {@code r_} or
 *       {@code c_} prefix when that is too short or does not start with a letter), numbered if it would clash.
 *       A name that is already a valid kith name is kept as it is. Relation names are mapped once for the whole
 *       model, so that {@code viewer from parent} means the same kith name on every type.
 *   <li><b>Relations with direct types and a rewrite.</b> {@code define viewer: [user] or editor} is a kith
 *       relation that holds the tuples ({@code viewer_direct: user}) plus a permission with the OpenFGA name
 *       ({@code viewer = viewer_direct + editor}). Tuples written to {@code viewer} land on the relation ({@link
 *       #tupleRelation}); checks, lookups and usersets ({@code document#viewer}) name the permission ({@link
 *       #relation}).
 * </ul>
 */
public final class OpenFgaNames {
    /** Suffix of the kith relation that holds the tuples of a relation with direct types and a rewrite. */
    static final String DIRECT_SUFFIX = "_direct";

    private final Map<String, String> types;
    private final Map<String, String> typesBack;
    private final Map<String, String> conditions;
    private final Map<String, String> relations;
    private final Map<String, String> relationsBack;
    private final Map<String, Map<String, String>> tupleRelations;
    private final Map<String, Set<String>> defined;

    private OpenFgaNames(Builder builder) {
        this.types = Collections.unmodifiableMap(builder.types);
        this.typesBack = Collections.unmodifiableMap(invert(builder.types));
        this.conditions = Collections.unmodifiableMap(builder.conditions);
        this.relations = Collections.unmodifiableMap(builder.relations);
        this.relationsBack = Collections.unmodifiableMap(invert(builder.relations));
        this.tupleRelations = Collections.unmodifiableMap(builder.tupleRelations);
        this.defined = Collections.unmodifiableMap(builder.defined);
    }

    /** The kith type of OpenFGA type {@code fgaType}, or null if the model has no such type. */
    public String type(String fgaType) {
        return types.get(fgaType);
    }

    /**
     * The kith relation or permission that answers checks and lookups of {@code fgaRelation} on {@code fgaType}
     * (and that a userset {@code fgaType:id#fgaRelation} names), or null if the type has no such relation.
     */
    public String relation(String fgaType, String fgaRelation) {
        Set<String> own = defined.get(fgaType);
        return own != null && own.contains(fgaRelation) ? relations.get(fgaRelation) : null;
    }

    /**
     * The kith relation that stores the tuples written to {@code fgaRelation} on {@code fgaType}, or null if that
     * relation has no directly related types (OpenFGA refuses tuples for it).
     */
    public String tupleRelation(String fgaType, String fgaRelation) {
        Map<String, String> own = tupleRelations.get(fgaType);
        return own == null ? null : own.get(fgaRelation);
    }

    /** The kith caveat of OpenFGA condition {@code fgaCondition}, or null if the model has no such condition. */
    public String condition(String fgaCondition) {
        return conditions.get(fgaCondition);
    }

    /** The OpenFGA type of kith type {@code kithType}, or null. */
    public String fgaType(String kithType) {
        return typesBack.get(kithType);
    }

    /** The OpenFGA relation of kith relation or permission {@code kithRelation} (not a tuple-holding one), or null. */
    public String fgaRelation(String kithRelation) {
        return relationsBack.get(kithRelation);
    }

    private static Map<String, String> invert(Map<String, String> map) {
        Map<String, String> back = new HashMap<>();
        map.forEach((k, v) -> back.put(v, k));
        return back;
    }

    /** Assigns kith names to a model's OpenFGA names, collision-free; see the class comment. */
    static final class Builder {
        private final Map<String, String> types = new LinkedHashMap<>();
        private final Map<String, String> conditions = new LinkedHashMap<>();
        private final Map<String, String> relations = new LinkedHashMap<>();
        private final Map<String, Map<String, String>> tupleRelations = new LinkedHashMap<>();
        private final Map<String, Set<String>> defined = new LinkedHashMap<>();
        private final Set<String> usedTypeNames = new HashSet<>();
        private final Set<String> usedRelationNames = new HashSet<>();

        /**
         * Names types and conditions (one kith namespace) and relations. Names that are valid in kith are
         * reserved first, so that they keep their name whatever the order.
         */
        Builder(List<String> fgaTypes, List<String> fgaConditions, List<String> fgaRelations) {
            reserveValid(fgaTypes, Schemas::isTypeName, usedTypeNames);
            reserveValid(fgaConditions, Schemas::isTypeName, usedTypeNames);
            reserveValid(fgaRelations, Schemas::isRelationName, usedRelationNames);
            assign(fgaTypes, types, Schemas::isTypeName, usedTypeNames, "t_");
            assign(fgaConditions, conditions, Schemas::isTypeName, usedTypeNames, "c_");
            assign(fgaRelations, relations, Schemas::isRelationName, usedRelationNames, "r_");
        }

        /** Records that {@code fgaType} defines {@code fgaRelation}. */
        void define(String fgaType, String fgaRelation) {
            defined.computeIfAbsent(fgaType, t -> new java.util.LinkedHashSet<>())
                    .add(fgaRelation);
        }

        /**
         * Records that tuples of {@code fgaRelation} on {@code fgaType} are stored; {@code separate} when the
         * relation also has a rewrite, so that they need a kith relation of their own. Returns its kith name.
         */
        String storeTuples(String fgaType, String fgaRelation, boolean separate) {
            String name = relations.get(fgaRelation);
            if (separate) {
                name = unique(clip(name, DIRECT_SUFFIX.length()) + DIRECT_SUFFIX, usedRelationNames);
            }
            tupleRelations.computeIfAbsent(fgaType, t -> new LinkedHashMap<>()).put(fgaRelation, name);
            return name;
        }

        String type(String fgaType) {
            return types.get(fgaType);
        }

        String relation(String fgaRelation) {
            return relations.get(fgaRelation);
        }

        String condition(String fgaCondition) {
            return conditions.get(fgaCondition);
        }

        OpenFgaNames build() {
            return new OpenFgaNames(this);
        }

        private static void reserveValid(List<String> names, Predicate<String> valid, Set<String> used) {
            for (String name : names) {
                if (valid.test(name)) {
                    used.add(name);
                }
            }
        }

        private static void assign(
                List<String> names,
                Map<String, String> into,
                Predicate<String> valid,
                Set<String> used,
                String prefix) {
            for (String name : names) {
                if (into.containsKey(name)) {
                    continue;
                }
                into.put(name, valid.test(name) ? name : unique(sanitize(name, prefix, valid), used));
            }
        }

        /** Lower case letters, digits and '_' only, starting with a letter, not ending with '_', ≤ 64 long. */
        private static String sanitize(String name, String prefix, Predicate<String> valid) {
            StringBuilder out = new StringBuilder();
            for (char c : name.toLowerCase(Locale.ROOT).toCharArray()) {
                out.append((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : '_');
            }
            String s = out.toString();
            if (!valid.test(s)) {
                s = prefix + s;
            }
            if (s.endsWith("_")) {
                s = s + "x";
            }
            return clip(s, 0);
        }

        /** {@code name} cut so that {@code reserve} more characters fit within kith's 64. */
        private static String clip(String name, int reserve) {
            int max = 64 - reserve;
            return name.length() <= max ? name : name.substring(0, max);
        }

        private static String unique(String base, Set<String> used) {
            String name = base;
            for (int n = 2; !used.add(name); n++) {
                String suffix = "_" + n;
                name = clip(base, suffix.length()) + suffix;
            }
            return name;
        }
    }
}
