package dev.kith.engine;

import java.util.Objects;

/** An object, {@code type:id}: a resource, or the object part of a subject. */
public record ObjectRef(String type, String id) {
    public ObjectRef {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
    }

    @Override
    public String toString() {
        return type + ":" + id;
    }
}
