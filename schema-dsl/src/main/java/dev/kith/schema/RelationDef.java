package dev.kith.schema;

import java.util.List;
import java.util.Objects;

/**
 * A relation or a permission of a definition.
 *
 * @param name its name
 * @param kind whether it stores relationships (relation) or computes them (permission)
 * @param allowedSubjects for a relation, its type restriction; empty for a permission
 * @param rewrite for a relation always {@link Rewrite.Direct}; for a permission its expression
 * @param docComment the {@code /** … *}{@code /} text above it, or {@code null}
 * @param position where it is declared
 */
public record RelationDef(
        String name,
        Kind kind,
        List<AllowedSubject> allowedSubjects,
        Rewrite rewrite,
        String docComment,
        SourcePosition position) {

    /** Relation or permission. */
    public enum Kind {
        RELATION,
        PERMISSION
    }

    public RelationDef {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        allowedSubjects = List.copyOf(allowedSubjects);
        Objects.requireNonNull(rewrite, "rewrite");
    }

    public boolean isPermission() {
        return kind == Kind.PERMISSION;
    }
}
