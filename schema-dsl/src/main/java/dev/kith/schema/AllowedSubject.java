package dev.kith.schema;

import java.util.Objects;

/**
 * One entry of a relation's type restriction: {@code user}, {@code group#member}, {@code user:*},
 * {@code user with caveat}, {@code user with expiration}, {@code user with caveat and expiration}.
 *
 * @param type the subject's object type, with any {@code prefix/}
 * @param relation the subject relation ({@code member} in {@code group#member}), or {@code null} for
 *     a plain object subject
 * @param wildcard true for {@code type:*}; then {@code relation} is {@code null}
 * @param caveat the required caveat's name, or {@code null}
 * @param expiration true when relationships of this entry carry an expiration
 */
public record AllowedSubject(String type, String relation, boolean wildcard, String caveat, boolean expiration) {
    public AllowedSubject {
        Objects.requireNonNull(type, "type");
        if (wildcard && relation != null) {
            throw new IllegalArgumentException("a wildcard subject has no relation");
        }
    }
}
