package dev.kith.schema.openfga;

import dev.kith.schema.SourcePosition;
import java.util.List;

/** The syntax tree of an OpenFGA model, as the parser reads it (names not yet resolved). */
final class FgaSyntax {
    private FgaSyntax() {}

    /** A name with where it is written. */
    record Name(String text, SourcePosition position) {}

    /** A whole model: {@code model schema 1.1}, its types and its conditions, in source order. */
    record Model(Name schemaVersion, List<TypeNode> types, List<ConditionNode> conditions) {}

    /** {@code type name} with its relation definitions. */
    record TypeNode(Name name, List<RelationNode> relations) {}

    /** {@code define name: expression}. */
    record RelationNode(Name name, Expr expression) {}

    /** A relation definition's expression. */
    sealed interface Expr permits DirectTypes, Computed, TupleToUserset, Union, Intersection, Exclusion {
        SourcePosition position();
    }

    /** {@code [user, user:*, group#member, user with cond]}: the types a tuple of this relation may name. */
    record DirectTypes(List<TypeRestriction> types, SourcePosition position) implements Expr {}

    /**
     * One entry of {@link DirectTypes}.
     *
     * @param relation the userset relation ({@code member} in {@code group#member}), or null
     * @param condition the condition named after {@code with}, or null
     */
    record TypeRestriction(Name type, boolean wildcard, Name relation, Name condition, SourcePosition position) {
        /** How the entry is written, without its condition: {@code user}, {@code user:*}, {@code group#member}. */
        String subject() {
            return type.text() + (wildcard ? ":*" : relation != null ? "#" + relation.text() : "");
        }
    }

    /** A computed userset: another relation of the same object. */
    record Computed(Name relation) implements Expr {
        @Override
        public SourcePosition position() {
            return relation.position();
        }
    }

    /** {@code computed from tupleset}: {@code computed} on every object stored under {@code tupleset}. */
    record TupleToUserset(Name computed, Name tupleset) implements Expr {
        @Override
        public SourcePosition position() {
            return computed.position();
        }
    }

    /** {@code a or b or …}. */
    record Union(List<Expr> children, SourcePosition position) implements Expr {}

    /** {@code a and b and …}. */
    record Intersection(List<Expr> children, SourcePosition position) implements Expr {}

    /** {@code base but not subtract}. */
    record Exclusion(Expr base, Expr subtract, SourcePosition position) implements Expr {}

    /** {@code condition name(param: type, …) { CEL }}. */
    record ConditionNode(Name name, List<ParameterNode> parameters, String expression, SourcePosition position) {}

    /** One condition parameter. */
    record ParameterNode(Name name, ParameterType type) {}

    /** A parameter type: {@code int}, or a generic {@code list<string>} / {@code map<int>}. */
    record ParameterType(Name name, Name element) {}
}
