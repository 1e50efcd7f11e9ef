package dev.kith.schema;

import dev.cel.common.CelAbstractSyntaxTree;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A schema that compiled and passed validation: every name it refers to exists, no permission is
 * defined in terms of itself, and every caveat expression type-checked as a bool. Only {@link Schemas}
 * creates one, so holding one is proof of all that.
 */
public final class ValidatedSchema {
    private final String source;
    private final Map<String, Definition> definitions;
    private final Map<String, CaveatDef> caveats;
    private final Map<String, CelAbstractSyntaxTree> caveatAsts;
    private final List<String> useFlags;

    ValidatedSchema(String source, SchemaCompiler.Compiled compiled, Map<String, CelAbstractSyntaxTree> caveatAsts) {
        this.source = source;
        this.definitions = Collections.unmodifiableMap(new LinkedHashMap<>(compiled.definitions()));
        this.caveats = Collections.unmodifiableMap(new LinkedHashMap<>(compiled.caveats()));
        this.caveatAsts = Map.copyOf(caveatAsts);
        this.useFlags = compiled.useFlags();
    }

    /** The object types by name, in declaration order. */
    public Map<String, Definition> definitions() {
        return definitions;
    }

    /** The definition of {@code type}, or {@code null}. */
    public Definition definition(String type) {
        return definitions.get(type);
    }

    /** Relation or permission {@code relation} of {@code type}, or {@code null} if either is unknown. */
    public RelationDef relation(String type, String relation) {
        Definition definition = definitions.get(type);
        return definition == null ? null : definition.relation(relation);
    }

    /** The caveats by name, in declaration order. */
    public Map<String, CaveatDef> caveats() {
        return caveats;
    }

    /** The caveat {@code name}, or {@code null}. */
    public CaveatDef caveat(String name) {
        return caveats.get(name);
    }

    /** The type-checked CEL tree of caveat {@code name} (ready to plan and evaluate), or {@code null}. */
    public CelAbstractSyntaxTree caveatAst(String name) {
        return caveatAsts.get(name);
    }

    /** The text this schema was compiled from. */
    public String source() {
        return source;
    }

    /** Whether the schema declares {@code use expiration}. */
    public boolean usesExpiration() {
        return useFlags.contains("expiration");
    }

    /** Whether the schema declares {@code use self}. */
    public boolean usesSelf() {
        return useFlags.contains("self");
    }
}
