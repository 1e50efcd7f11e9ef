package dev.kith.engine;

import java.time.Instant;
import java.util.Objects;

/**
 * A stored relationship (tuple) {@code resource#relation@subject}, with an optional caveat and expiration.
 *
 * <p>Its identity is (resource, relation, subject): two relationships that differ only in caveat or
 * expiration are the same relationship, and a TOUCH of one replaces the other. The compact string form is
 * {@code document:1#viewer@user:alice[caveat_name:{"k":1}][expiration:2030-01-01T00:00:00Z]}; see {@link
 * RelationshipParser}.
 *
 * @param caveat the caveat, or {@code null}
 * @param expiresAt the expiration, or {@code null}
 */
public record Relationship(ObjectRef resource, String relation, SubjectRef subject, Caveat caveat, Instant expiresAt) {
    public Relationship {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(relation, "relation");
        Objects.requireNonNull(subject, "subject");
    }

    public static Relationship of(ObjectRef resource, String relation, SubjectRef subject) {
        return new Relationship(resource, relation, subject, null, null);
    }

    /** Parses the compact string form; see {@link RelationshipParser#parse(String)}. */
    public static Relationship parse(String text) {
        return RelationshipParser.parse(text);
    }

    /** The same relationship without caveat and expiration: its identity. */
    public Relationship key() {
        return caveat == null && expiresAt == null ? this : new Relationship(resource, relation, subject, null, null);
    }

    /** The compact string form. */
    @Override
    public String toString() {
        return RelationshipParser.format(this);
    }
}
