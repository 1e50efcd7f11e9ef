package dev.kith.bench.handwritten;

import java.util.HashMap;
import java.util.Map;

/** One object type's ids as dense ints, assigned in the order they are first seen. */
final class Ids {
    private final Map<String, Integer> ids = new HashMap<>();

    /** The int of {@code id}, assigning the next one if it is new. */
    int intern(String id) {
        Integer known = ids.get(id);
        if (known != null) {
            return known;
        }
        int next = ids.size();
        ids.put(id, next);
        return next;
    }

    /** The int of {@code id}, or -1 if the data never named it. */
    int find(String id) {
        Integer known = ids.get(id);
        return known == null ? -1 : known;
    }

    int size() {
        return ids.size();
    }
}
